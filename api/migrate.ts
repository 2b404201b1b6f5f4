// Applies pending migrations with the Prisma CLI (`migrate deploy`), the same command
// operators run by hand. The CLI picks the schema for the database from prisma.config.ts.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { mkdirSync } from "node:fs";
import { isPostgresUrl, sqlitePath } from "./db.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);

export async function migrate(databaseUrl: string) {
  // The CLI opens the SQLite file itself and fails when its folder is missing.
  if (!isPostgresUrl(databaseUrl)) mkdirSync(dirname(sqlitePath(databaseUrl)), { recursive: true });
  const prisma = join(root, "node_modules", ".bin", "prisma");
  try {
    await run(prisma, ["migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Migration failed: ${e.stderr || e.stdout || e.message}`);
  }
}
