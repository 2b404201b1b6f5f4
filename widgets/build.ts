// Bundles every element into one ES module: dist/widgets/pu-widgets.js.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
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
  return { outdir, metafile: result.metafile };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outdir } = await buildWidgets();
  console.log(`widgets built into ${outdir}`);
}
