import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { backupSqlite } from "../../scripts/backup.ts";
import { sqlitePath } from "../../api/db.ts";

const onSqlite = process.env.TEST_DB !== "postgres";

describe.skipIf(!onSqlite)("online SQLite backup (npm run backup)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("runs in WAL mode with synchronous=NORMAL", async () => {
    const [mode] = await app.db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(mode!.journal_mode).toBe("wal");
    const [sync] = await app.db.$queryRawUnsafe<{ synchronous: number | bigint }[]>("PRAGMA synchronous");
    expect(Number(sync!.synchronous)).toBe(1); // 1 = NORMAL
  });

  it("makes a consistent, openable copy while the server keeps writing", async () => {
    const source = sqlitePath(app.config.databaseUrl);
    const dir = mkdtempSync(join(tmpdir(), "pu-backup-"));
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const result = await app.gql(
          `mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`,
          { input: { externalId: `w-${written}`, displayName: `Writer ${written}`, attributes: { blob: "x".repeat(400) } } },
          "admin",
        );
        expect(result.data.upsertUser.__typename).toBe("UpsertUserPayload");
        written++;
      }
    })();
    while (written < 40) await new Promise((r) => setTimeout(r, 10));
    const copies = [];
    for (let i = 0; i < 3; i++) copies.push(await backupSqlite(source, join(dir, `copy-${i}.db`)));
    writing = false;
    await writer;

    let previous = 0;
    for (const copy of copies) {
      const db = new Database(copy.path, { readonly: true });
      try {
        expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
        const users = (db.prepare(`SELECT COUNT(*) AS n FROM "User"`).get() as { n: number }).n;
        const audits = (db.prepare(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE action = 'user.create'`).get() as { n: number }).n;
        // Each write is one transaction (user + audit row): a consistent copy has both or neither.
        expect(audits).toBe(users);
        expect(users).toBeGreaterThanOrEqual(Math.max(previous, 40));
        expect(users).toBeLessThanOrEqual(written);
        previous = users;
      } finally {
        db.close();
      }
    }
  });

  it("works as `npm run backup` from the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "pu-backup-cli-"));
    const destination = join(dir, "cli.db");
    const out = execFileSync(join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/backup.ts", destination], {
      env: { ...process.env, DATABASE_URL: app.config.databaseUrl },
      encoding: "utf8",
    });
    expect(out).toMatch(/integrity ok/);
    expect(existsSync(destination)).toBe(true);
    expect(existsSync(`${destination}.partial`)).toBe(false);
  });
});
