// Writes the provider-specific schemas from the one model source (schema.base.prisma).
// `--check` exits non-zero when a committed schema is out of date (run in tests).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export const providers = { sqlite: "sqlite", postgres: "postgresql" } as const;

const pothosGenerator = `generator pothos {
  provider     = "prisma-pothos-types"
  clientOutput = "./sqlite/client.ts"
  output       = "../../api/gen/pothos-types.ts"
}`;

export function renderSchema(folder: keyof typeof providers, source = join(here, "schema.base.prisma")): string {
  const base = readFileSync(source, "utf8");
  const header = "// GENERATED from prisma/schema.base.prisma by prisma/build-schemas.ts. Do not edit.\n";
  return (
    header +
    base
      .replace(/^(\/\/[^\n]*\n)+/, "")
      .replace('output          = "../../api/gen/{{provider}}"', `output          = "../../api/gen/${folder}"`)
      .replace("// {{pothos}}", folder === "sqlite" ? pothosGenerator : "")
      .replace('provider = "{{provider}}"', `provider = "${providers[folder]}"`)
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  let stale = false;
  for (const folder of Object.keys(providers) as (keyof typeof providers)[]) {
    const path = join(here, folder, "schema.prisma");
    const text = renderSchema(folder);
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {}
    if (current === text) continue;
    if (check) {
      console.error(`${path} is out of date: run npm run db:schemas`);
      stale = true;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale) process.exit(1);
}
