import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTestApp, freshDatabaseUrl, type TestApp } from "../helpers/app.ts";
import { openDatabase } from "../../api/db.ts";
import { parseIsoDate } from "../../api/domain/days.ts";
import { checkpointPath, importFile, ImportError } from "../../api/domain/usage/import.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "pu-import-"));

function ndjson(name: string, count: number, prefix: string) {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ userId: `${prefix}-u${i % 3}`, feature: i % 2 ? "edit" : "view", occurredAt: `2025-09-0${1 + (i % 4)}T10:00:0${i % 10}Z`, eventId: `${prefix}-${i}`, sessionId: `${prefix}-s${i % 3}` }),
  );
  lines.splice(4, 0, ""); // a blank line is skipped, but still counts as a line
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

describe("usage import", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("imports NDJSON events, resumes after an interruption from the checkpoint, and is idempotent", async () => {
    const file = ndjson("events.ndjson", 10, "nd");
    const first = await importFile(app.db, app.database.dialect, "usage", file, { batchSize: 3, maxBatches: 1 });
    expect(first).toMatchObject({ complete: false, records: 3, line: 3, accepted: 3 });
    expect(JSON.parse(readFileSync(checkpointPath(file), "utf8"))).toMatchObject({ kind: "usage", records: 3, line: 3 });
    expect(await app.db.usageEvent.count({ where: { eventId: { startsWith: "nd-" } } })).toBe(3);

    const rest = await importFile(app.db, app.database.dialect, "usage", file, { batchSize: 3 });
    expect(rest).toMatchObject({ complete: true, resumedFrom: 3, records: 10, line: 11, accepted: 7, duplicates: 0 });
    expect(existsSync(checkpointPath(file))).toBe(false);
    expect(await app.db.usageEvent.count({ where: { eventId: { startsWith: "nd-" } } })).toBe(10);

    const again = await importFile(app.db, app.database.dialect, "usage", file, { batchSize: 4 });
    expect(again).toMatchObject({ accepted: 0, duplicates: 10 });
    const sums = await app.db.userDay.aggregate({ _sum: { events: true }, where: { user: { externalId: { startsWith: "nd-" } } } });
    expect(sums._sum.events).toBe(10);
  });

  it("imports CSV events with a header row, counting sessions once per user and day", async () => {
    const file = join(dir, "events.csv");
    writeFileSync(
      file,
      [
        "userId,feature,occurredAt,eventId,sessionId,properties",
        "csv-a,edit,2025-09-10T08:00:00Z,csv-1,s1,",
        "csv-a,view,2025-09-10T09:00:00Z,csv-2,s1,\"{\"\"plan\"\":\"\"pro\"\"}\"",
        "csv-a,edit,2025-09-10T10:00:00Z,csv-3,s2,",
        "csv-b,edit,2025-09-11T10:00:00Z,csv-4,,",
      ].join("\n"),
    );
    const result = await importFile(app.db, app.database.dialect, "usage", file);
    expect(result).toMatchObject({ complete: true, records: 4, accepted: 4 });
    const a = await app.db.user.findUniqueOrThrow({ where: { externalId: "csv-a" } });
    expect(await app.db.userDay.findUniqueOrThrow({ where: { userId_day: { userId: a.id, day: parseIsoDate("2025-09-10")! } } })).toMatchObject({ events: 3, sessions: 2 });
    expect((await app.db.usageEvent.findUniqueOrThrow({ where: { eventId: "csv-2" } })).properties).toEqual({ plan: "pro" });
    const b = await app.db.userDay.findFirstOrThrow({ where: { user: { externalId: "csv-b" } } });
    expect(b).toMatchObject({ events: 1, sessions: 0 });
  });

  it("refuses a batch with a bad line, naming the line, and keeps earlier batches", async () => {
    const file = join(dir, "bad.ndjson");
    const good = (i: number) => JSON.stringify({ userId: "bad-u", feature: "edit", occurredAt: "2025-09-12T10:00:00Z", eventId: `bad-${i}` });
    writeFileSync(file, [good(1), good(2), good(3), JSON.stringify({ userId: "bad-u", feature: "", occurredAt: "2025-09-12T10:00:00Z", eventId: "bad-4" })].join("\n"));
    const error = await importFile(app.db, app.database.dialect, "usage", file, { batchSize: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error.issues).toEqual([{ line: 4, field: "feature", reason: "must not be empty" }]);
    expect(await app.db.usageEvent.count({ where: { eventId: { startsWith: "bad-" } } })).toBe(2);
    expect(JSON.parse(readFileSync(checkpointPath(file), "utf8"))).toMatchObject({ records: 2, line: 2 });
  });

  it("imports daily rollups from a warehouse, replacing rows on a rerun instead of adding to them", async () => {
    const file = join(dir, "rollups.csv");
    writeFileSync(
      file,
      ["userId,day,feature,events,sessions", "wh-a,2024-06-01,edit,5,2", "wh-a,2024-06-01,view,3,1", "wh-a,2024-06-02,edit,1,1", "wh-b,2024-06-02,api,7,3"].join("\n"),
    );
    for (let i = 0; i < 2; i++) {
      const result = await importFile(app.db, app.database.dialect, "rollups", file);
      expect(result).toMatchObject({ complete: true, records: 4 });
    }
    const a = await app.db.user.findUniqueOrThrow({ where: { externalId: "wh-a" } });
    expect(await app.db.userDay.findMany({ where: { userId: a.id }, orderBy: { day: "asc" }, select: { day: true, events: true, sessions: true } })).toEqual([
      { day: parseIsoDate("2024-06-01"), events: 8, sessions: 2 },
      { day: parseIsoDate("2024-06-02"), events: 1, sessions: 1 },
    ]);
    expect(a.lastActiveAt?.toISOString()).toBe("2024-06-02T00:00:00.000Z");
    const engagement = await app.gql(`{ engagement(asOf: "2024-06-02") { ... on Engagement { dau wau mau } } }`, {}, "admin");
    expect(engagement.data.engagement).toEqual({ dau: 2, wau: 2, mau: 2 });
  });
});

describe("npm run import", () => {
  it("imports an NDJSON file into DATABASE_URL from the command line", async () => {
    const url = await freshDatabaseUrl();
    const file = ndjson("cli.ndjson", 12, "cli");
    const { stdout } = await run(join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/import.ts", "usage", file, "--batch", "5"], {
      env: { ...process.env, DATABASE_URL: url },
    });
    expect(stdout).toMatch(/12 records/);
    expect(stdout).toMatch(/12 new, 0 duplicates/);
    const database = await openDatabase(url);
    try {
      expect(await database.db.usageEvent.count()).toBe(12);
    } finally {
      await database.close();
    }
  }, 60_000);
});
