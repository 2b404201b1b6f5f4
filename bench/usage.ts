// Usage benchmarks, each beside its baseline in the same run:
//  - ingest through the GraphQL mutation (HTTP, batches of 5,000) vs raw better-sqlite3 doing the
//    same inserts and rollup upserts in one transaction per batch (and the same on PostgreSQL);
//  - the L30 power-user curve over 100,000 users x 30 days of rollups vs a hand-written query.
// Functions are exported for `npm run bench`; `tsx bench/usage.ts [sqlite|postgres|all]` runs them alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { loadConfig } from "../api/config.ts";
import { openDatabase, sqlTime, type Database as Db } from "../api/db.ts";
import { migrate } from "../api/migrate.ts";
import { CONNECTION_PRAGMAS } from "../api/sqlite-writer.ts";
import { startServer } from "../api/server.ts";
import { dayOf } from "../api/domain/days.ts";
import { engagementSeries, powerUserCurve } from "../api/domain/usage/metrics.ts";
import { importFile } from "../api/domain/usage/import.ts";
import { startPostgres, createDatabase } from "../tests/helpers/postgres.ts";

const ADMIN_SECRET = "bench-admin-secret-0123456789";
const INGEST = `mutation ($events: [UsageEventInput!]!) { ingestUsage(input: { events: $events }) { __typename ... on IngestUsagePayload { accepted duplicates } } }`;

export interface BenchEvent {
  userId: string;
  feature: string;
  occurredAt: string;
  eventId: string;
  sessionId: string;
}

/** `count` events over 2,000 users, 20 features and the 30 days before now. */
export function makeEvents(count: number, prefix = "b"): BenchEvent[] {
  const now = Date.now();
  const events: BenchEvent[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const user = (i * 7919) % 2000;
    const at = now - ((i * 104_729) % (30 * 86_400_000));
    events[i] = {
      userId: `${prefix}-user-${user}`,
      feature: `feature-${(i * 31) % 20}`,
      occurredAt: new Date(at).toISOString(),
      eventId: `${prefix}-${i}`,
      sessionId: `${prefix}-s-${user}-${Math.floor(at / 3_600_000)}`,
    };
  }
  return events;
}

export async function tempSqliteUrl() {
  const dir = mkdtempSync(join(tmpdir(), "pu-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  await migrate(url);
  return { url, path: join(dir, "bench.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Rate {
  events: number;
  seconds: number;
  perSecond: number;
}

const rate = (events: number, ms: number): Rate => ({ events, seconds: ms / 1000, perSecond: Math.round((events / ms) * 1000) });

/** Events/s through POST /graphql with the admin secret, one batch after another. */
export async function ingestThroughGraphql(databaseUrl: string, events: BenchEvent[], batchSize = 5000): Promise<Rate> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, ADMIN_SECRET, IDENTITY_SECRET: ADMIN_SECRET, PORT: "0" } as NodeJS.ProcessEnv);
  const database = await openDatabase(databaseUrl);
  const server = await startServer(config, { quiet: true, database, jobs: false });
  try {
    const bodies = [];
    for (let i = 0; i < events.length; i += batchSize) bodies.push(JSON.stringify({ query: INGEST, variables: { events: events.slice(i, i + batchSize) } }));
    const started = performance.now();
    for (const body of bodies) {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_SECRET}` },
        body,
      });
      const json = (await response.json()) as { data?: { ingestUsage?: { __typename: string } }; errors?: unknown };
      if (json.data?.ingestUsage?.__typename !== "IngestUsagePayload") throw new Error(JSON.stringify(json).slice(0, 500));
    }
    return rate(events.length, performance.now() - started);
  } finally {
    await server.close();
    await database.close();
  }
}

/**
 * The baseline: better-sqlite3 with prepared statements, one transaction per batch, the same
 * writes (users and features on first sight, events by eventId, sessions, UsageDaily, UserDay,
 * lastActiveAt), counting only events it inserted. With `eventsOnly`, the idempotent event rows
 * alone: a floor that shows what the rollups and sessions cost.
 */
export function ingestRawSqlite(path: string, events: BenchEvent[], batchSize = 5000, { eventsOnly = false } = {}): Rate {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // The same page cache and checkpoint interval as the product's connections.
  for (const pragma of CONNECTION_PRAGMAS) db.pragma(pragma);
  const iso = (d: Date) => sqlTime("sqlite", d) as string;
  const insertUser = db.prepare(`INSERT INTO "User" ("id", "externalId", "firstSeenAt", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?) ON CONFLICT ("externalId") DO NOTHING`);
  const userId = db.prepare(`SELECT "id" FROM "User" WHERE "externalId" = ?`).pluck();
  const insertFeature = db.prepare(`INSERT INTO "Feature" ("id", "key", "name", "createdAt") VALUES (?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING`);
  const featureId = db.prepare(`SELECT "id" FROM "Feature" WHERE "key" = ?`).pluck();
  const insertEvent = db.prepare(`INSERT INTO "UsageEvent" ("eventId", "userId", "featureId", "occurredAt", "day", "sessionId", "properties", "receivedAt") VALUES (?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING`);
  const insertSession = db.prepare(`INSERT INTO "UsageSession" ("userId", "day", "sessionId", "featureId") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const upsertDaily = db.prepare(`INSERT INTO "UsageDaily" ("userId", "day", "featureId", "events", "sessions") VALUES (?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET "events" = "events" + 1, "sessions" = "sessions" + excluded."sessions"`);
  const upsertUserDay = db.prepare(`INSERT INTO "UserDay" ("userId", "day", "events", "sessions") VALUES (?, ?, 1, ?) ON CONFLICT DO UPDATE SET "events" = "events" + 1, "sessions" = "sessions" + excluded."sessions"`);
  const lastActive = db.prepare(`UPDATE "User" SET "lastActiveAt" = ? WHERE "id" = ? AND ("lastActiveAt" IS NULL OR "lastActiveAt" < ?)`);
  const users = new Map<string, string>();
  const features = new Map<string, string>();
  const batch = db.transaction((list: BenchEvent[]) => {
    const now = iso(new Date());
    for (const e of list) {
      let u = users.get(e.userId);
      if (!u) {
        insertUser.run(randomUUID(), e.userId, now, now, now);
        users.set(e.userId, (u = userId.get(e.userId) as string));
      }
      let f = features.get(e.feature);
      if (!f) {
        insertFeature.run(randomUUID(), e.feature, e.feature, now);
        features.set(e.feature, (f = featureId.get(e.feature) as string));
      }
      const at = new Date(e.occurredAt);
      const day = dayOf(at);
      if (insertEvent.run(e.eventId, u, f, iso(at), day, e.sessionId, now).changes === 0 || eventsOnly) continue;
      const featureSession = insertSession.run(u, day, e.sessionId, f).changes;
      const daySession = insertSession.run(u, day, e.sessionId, "").changes;
      upsertDaily.run(u, day, f, featureSession);
      upsertUserDay.run(u, day, daySession);
      lastActive.run(iso(at), u, iso(at));
    }
  });
  const started = performance.now();
  for (let i = 0; i < events.length; i += batchSize) batch(events.slice(i, i + batchSize));
  const elapsed = performance.now() - started;
  db.close();
  return rate(events.length, elapsed);
}

/** The bulk import (what `npm run import -- usage FILE` runs) over an NDJSON file of the events. */
export async function importNdjson(databaseUrl: string, events: BenchEvent[], batchSize = 5000): Promise<Rate> {
  const dir = mkdtempSync(join(tmpdir(), "pu-bench-file-"));
  const file = join(dir, "events.ndjson");
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const database = await openDatabase(databaseUrl);
  try {
    const started = performance.now();
    await importFile(database.db, database.dialect, "usage", file, { batchSize });
    return rate(events.length, performance.now() - started);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GraphQL ingest and the bulk import vs the raw baseline, each on a fresh SQLite file. */
export async function benchSqliteIngest(count = 100_000) {
  const events = makeEvents(count);
  const a = await tempSqliteUrl();
  const b = await tempSqliteUrl();
  const c = await tempSqliteUrl();
  try {
    // Warm up the server code paths (first-request compilation) on a separate small batch.
    await ingestThroughGraphql(a.url, makeEvents(5000, "warm"));
    const graphql = await ingestThroughGraphql(a.url, events);
    const raw = ingestRawSqlite(b.path, events);
    const cli = await importNdjson(c.url, events);
    return { graphql, raw, cli, ratio: +(raw.perSecond / graphql.perSecond).toFixed(2) };
  } finally {
    a.cleanup();
    b.cleanup();
    c.cleanup();
  }
}

export async function benchPostgresIngest(count = 100_000) {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, `pu_bench_${process.pid}`);
    await migrate(url);
    await ingestThroughGraphql(url, makeEvents(5000, "warm"));
    return { graphql: await ingestThroughGraphql(url, makeEvents(count)) };
  } finally {
    await server.stop();
  }
}

/** L30 curve over `users` x 30 days of UserDay rows: the API's query vs a hand-written one. */
export async function benchCurve(users = 100_000, days = 30, runs = 5) {
  const { url, path, cleanup } = await tempSqliteUrl();
  try {
    const raw = new Database(path);
    const today = dayOf(new Date());
    const insert = raw.prepare(`INSERT INTO "UserDay" ("userId", "day", "events", "sessions") VALUES (?, ?, 1, 1)`);
    const insertUser = raw.prepare(`INSERT INTO "User" ("id", "externalId", "firstSeenAt", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`);
    raw.transaction(() => {
      const now = sqlTime("sqlite", new Date()) as string;
      for (let u = 0; u < users; u++) {
        insertUser.run(`u${u}`, `user-${u}`, now, now, now);
        // A skewed activity: most people on a few days, some on all.
        const active = 1 + ((u * 2654435761) % 997) % days;
        for (let d = 0; d < active; d++) insert.run(`u${u}`, today - ((d * 7 + u) % days));
      }
    })();
    raw.exec("ANALYZE");
    const userDays = raw.prepare(`SELECT COUNT(*) FROM "UserDay"`).pluck().get() as number;
    const handWritten = raw.prepare(`SELECT n, COUNT(*) AS users FROM (SELECT "userId", COUNT(*) AS n FROM "UserDay" WHERE "day" BETWEEN ? AND ? GROUP BY "userId") GROUP BY n`);
    const time = async (run: () => unknown) => {
      await run();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await run();
        samples.push(performance.now() - t);
      }
      return +samples.sort((x, y) => x - y)[Math.floor(runs / 2)]!.toFixed(1);
    };
    const baselineMs = await time(() => handWritten.all(today - days + 1, today));
    const database: Db = await openDatabase(url);
    const apiMs = await time(() => powerUserCurve(database.db, today, days));
    // Not a target, a guard: a year-long chart series over the same rollups.
    const seriesYearMs = await time(() => engagementSeries(database.db, today - 365, today));
    await database.close();
    raw.close();
    return { users, userDays, apiMs, baselineMs, ratio: +(apiMs / baselineMs).toFixed(2), seriesYearMs };
  } finally {
    cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const which = process.argv[2] ?? "sqlite";
  if (which === "sqlite" || which === "all") console.log("sqlite ingest", JSON.stringify(await benchSqliteIngest(Number(process.env.BENCH_EVENTS ?? 100_000))));
  if (which === "postgres" || which === "all") console.log("postgres ingest", JSON.stringify(await benchPostgresIngest(Number(process.env.BENCH_EVENTS ?? 100_000))));
  if (which === "curve" || which === "all") console.log("L30 curve", JSON.stringify(await benchCurve()));
}
