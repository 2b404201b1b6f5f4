// Bundles every element into one ES module: dist/widgets/pu-widgets.js.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";
import { createHash } from "node:crypto";
import { readdirSync, mkdirSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parse } from "graphql";
import { collapse, minifyTemplatesPlugin } from "./minify-templates.ts";

const here = dirname(fileURLToPath(import.meta.url));

export async function buildWidgets(options: { outdir?: string; minify?: boolean } = {}) {
  const outdir = options.outdir ?? join(here, "..", "dist", "widgets");
  const result = await build({
    entryPoints: { "pu-widgets": join(here, "index.ts") },
    outdir,
    bundle: true,
    format: "esm",
    target: "es2022",
    charset: "utf8",
    minify: options.minify ?? true,
    sourcemap: "linked",
    legalComments: "none",
    tsconfig: join(here, "..", "tsconfig.json"),
    metafile: true,
    plugins: options.minify === false ? [] : [await minifyTemplatesPlugin()],
    // Our documents are static single operations: a 60-line stand-in replaces urql's parser.
    alias: { "@0no-co/graphql.web": join(here, "internal", "graphql-lite.ts") },
    logLevel: "warning",
  });
  const persisted = await writePersistedOperations(outdir);
  return { outdir, metafile: result.metafile, persisted };
}

function graphqlModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return graphqlModules(path);
    return entry.name.endsWith(".graphql.ts") ? [path] : [];
  });
}

/**
 * The trusted-documents manifest (TRUSTED_DOCUMENTS=1, api/security/trusted-documents.ts):
 * every string exported by widgets/**\/*.graphql.ts that parses as a GraphQL operation,
 * keyed by the sha256 of its exact text: as written, and as the minified bundle sends it (its
 * template indentation collapsed), so a widget's request is found without normalising it.
 */
export async function writePersistedOperations(outdir: string) {
  const operations: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const file of graphqlModules(here).sort()) {
    // Query modules import types only, so they load in Node.
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "string") continue;
      let isOperation = false;
      try {
        isOperation = parse(value).definitions.some((d) => d.kind === "OperationDefinition");
      } catch {
        continue; // not a GraphQL document
      }
      if (!isOperation) continue;
      for (const text of new Set([value, collapse(value)])) {
        const hash = createHash("sha256").update(text).digest("hex");
        operations[hash] = text;
        sources[hash] = `${relative(join(here, ".."), file)}#${name}`;
      }
    }
  }
  mkdirSync(outdir, { recursive: true });
  const path = join(outdir, "persisted-operations.json");
  writeFileSync(path, JSON.stringify({ version: 1, operations, sources }, null, 2) + "\n");
  return { path, count: Object.keys(operations).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outdir, persisted } = await buildWidgets();
  console.log(`widgets built into ${outdir} (${persisted.count} persisted operations)`);
}
