// Bundles every element into one ES module: dist/widgets/pu-widgets.js.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parse } from "graphql";
import { minifyTemplatesPlugin } from "./minify-templates.ts";

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
 * keyed by the sha256 of its exact text, which is what the widgets send.
 */
export async function writePersistedOperations(outdir: string) {
  const operations: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const file of graphqlModules(here).sort()) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch {
      // A module that cannot load in Node (browser-only imports): take its literal
      // `/* GraphQL */` templates instead (those without ${} interpolation).
      const source = readFileSync(file, "utf8");
      module = Object.fromEntries(
        [...source.matchAll(/\/\*\s*GraphQL\s*\*\/\s*`([^`$]*)`/g)].map((m, i) => [`document${i}`, m[1]!]),
      );
    }
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "string") continue;
      let isOperation = false;
      try {
        isOperation = parse(value).definitions.some((d) => d.kind === "OperationDefinition");
      } catch {
        continue; // not a GraphQL document
      }
      if (!isOperation) continue;
      const hash = createHash("sha256").update(value).digest("hex");
      operations[hash] = value;
      sources[hash] = `${relative(join(here, ".."), file)}#${name}`;
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
