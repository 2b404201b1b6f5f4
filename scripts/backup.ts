// `npm run backup [-- <destination>]`: a consistent online backup of the database in DATABASE_URL.
// SQLite: better-sqlite3's online backup API copies the database page by page while the
// server keeps writing (it restarts a step when a page changes under it), so the copy is one
// consistent snapshot including committed WAL frames; the copy is checked before we say so.
// PostgreSQL: runs pg_dump (custom format) when it is installed; see docs/security.md for PITR.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DATABASE_URL } from "../api/config.ts";
import { isPostgresUrl, sqlitePath } from "../api/db.ts";

const stamp = () => new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");

export interface BackupResult {
  path: string;
  bytes: number;
  pages: number;
}

export async function backupSqlite(source: string, destination: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`no SQLite database at ${source}`);
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.partial`;
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    // Small steps let the server's writers interleave instead of waiting for the whole copy.
    const result = await db.backup(partial, { progress: () => 256 });
    const copy = new Database(partial, { readonly: true });
    try {
      const check = copy.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new Error(`backup failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    // Only a checked copy gets the final name: a crash mid-backup never leaves a bad file there.
    renameSync(partial, destination);
    return { path: destination, bytes: statSync(destination).size, pages: result.totalPages };
  } finally {
    db.close();
  }
}

export function backupPostgres(url: string, destination: string) {
  const probe = spawnSync("pg_dump", ["--version"], { encoding: "utf8" });
  if (probe.status !== 0) throw new Error("pg_dump is not installed; see docs/security.md (PostgreSQL backups)");
  mkdirSync(dirname(destination), { recursive: true });
  const run = spawnSync("pg_dump", ["--format=custom", "--no-owner", `--file=${destination}`, url], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`pg_dump failed: ${run.stderr}`);
  return { path: destination, bytes: statSync(destination).size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const given = process.argv[2];
  try {
    if (isPostgresUrl(url)) {
      const destination = resolve(given ?? join("backups", `pu-${stamp()}.dump`));
      const done = backupPostgres(url, destination);
      console.log(`PostgreSQL backup written: ${done.path} (${done.bytes} bytes). Restore: pg_restore --clean --dbname <url> ${done.path}`);
    } else {
      const source = sqlitePath(url);
      const destination = resolve(given ?? join(dirname(source), "backups", `pu-${stamp()}.db`));
      const done = await backupSqlite(source, destination);
      console.log(`SQLite backup written: ${done.path} (${done.bytes} bytes, ${done.pages} pages, integrity ok). Restore: stop the server, copy it over ${source}, remove ${source}-wal and ${source}-shm.`);
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
