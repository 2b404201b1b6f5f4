// Build step: minifies the CSS in css`` templates (esbuild's CSS minifier) and collapses the
// indentation in html``/svg`` and GraphQL templates, which esbuild leaves as written.
// Uses the TypeScript parser so template boundaries are exact; without it, sources pass unchanged.
import { transform, type Plugin } from "esbuild";
import { readFile } from "node:fs/promises";

type TS = typeof import("typescript");

/** Template indentation as the bundle sends it: each line break with its spaces becomes one space. */
export const collapse = (text: string) => text.replace(/\s*\n\s*/g, " ");

export async function minifyTemplates(source: string, ts: TS): Promise<string> {
  const file = ts.createSourceFile("x.ts", source, ts.ScriptTarget.Latest, true);
  const edits: { start: number; end: number; text: string }[] = [];
  const pending: Promise<void>[] = [];
  const pieces = (template: import("typescript").TemplateLiteral) =>
    ts.isNoSubstitutionTemplateLiteral(template) ? [template] : [template.head, ...template.templateSpans.map((s) => s.literal)];
  const visit = (node: import("typescript").Node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === "css" && ts.isNoSubstitutionTemplateLiteral(node.template)) {
      const literal = node.template;
      pending.push(
        transform(literal.text, { loader: "css", minify: true }).then(({ code }) => {
          const escaped = code.trim().replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
          edits.push({ start: literal.getStart(), end: literal.getEnd(), text: "`" + escaped + "`" });
        }),
      );
      return;
    }
    const tagged = ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && (node.tag.text === "html" || node.tag.text === "svg");
    const untagged = (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !ts.isTaggedTemplateExpression(node.parent);
    if (tagged || untagged) {
      for (const piece of pieces(tagged ? (node as import("typescript").TaggedTemplateExpression).template : (node as import("typescript").TemplateLiteral))) {
        const raw = piece.getText();
        if (raw.includes("\n")) edits.push({ start: piece.getStart(), end: piece.getEnd(), text: collapse(raw) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  await Promise.all(pending);
  let out = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

export async function minifyTemplatesPlugin(): Promise<Plugin> {
  const ts = await import("typescript").then((m) => (m.default ?? m) as TS).catch(() => null);
  return {
    name: "minify-templates",
    setup(build) {
      if (!ts) return;
      build.onLoad({ filter: /[\\/]widgets[\\/].*\.ts$/ }, async (args) => ({
        contents: await minifyTemplates(await readFile(args.path, "utf8"), ts),
        loader: "ts",
      }));
    },
  };
}
