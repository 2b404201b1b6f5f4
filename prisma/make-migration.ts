// Writes a new migration for both databases: the difference between the model source as it
// was at the last migration (prisma/migrated.base.prisma) and as it is now.
// `prisma migrate dev` needs a shadow database; `migrate diff` between two datamodels does not.
// Usage: npm run db:migration -- <name>
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { providers, renderSchema } from "./build-schemas.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <snake_case_name>");
  process.exit(1);
}
const snapshot = join(here, "migrated.base.prisma");
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const work = mkdtempSync(join(tmpdir(), "pu-migration-"));
const pgServer = await startPostgres();

try {
  for (const folder of Object.keys(providers) as (keyof typeof providers)[]) {
    const databaseUrl = folder === "postgres" ? pgServer.adminUrl : `file:${join(work, "diff.db")}`;
    const target = join(here, folder, "schema.prisma");
    writeFileSync(target, renderSchema(folder));
    const from = existsSync(snapshot) ? ["--from-schema-datamodel", renderTo(folder, work)] : ["--from-empty"];
    const sql = execFileSync(
      "npx",
      ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", target, "--script"],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    if (/empty migration/.test(sql)) {
      console.log(`${folder}: no changes`);
      continue;
    }
    const dir = join(here, folder, "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    console.log(`${folder}: wrote ${dir}/migration.sql`);
  }
  copyFileSync(join(here, "schema.base.prisma"), snapshot);
} finally {
  await pgServer.stop();
}

function renderTo(folder: keyof typeof providers, dir: string): string {
  // The snapshot rendered as this provider's schema, via the same renderer as the live one.
  const path = join(dir, `${folder}.prisma`);
  writeFileSync(path, renderSchema(folder, snapshot));
  return path;
}
