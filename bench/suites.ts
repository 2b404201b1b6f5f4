// Adapters from the domain benchmarks (bench/usage.ts, bench/load.ts, the feature-access cache)
// to comparison rows for bench/run.ts: each product path beside its baseline in the same run.
import { performance } from "node:perf_hooks";
import { fromSamples, type Comparison } from "./harness.ts";
import { benchCurve, ingestRawSqlite, ingestThroughGraphql, makeEvents, tempSqliteUrl } from "./usage.ts";
import { loadTestServer, runLoad } from "./load.ts";
import { openBench, tempSqliteUrl as benchUrl } from "./setup.ts";
import { hasFeatureAccess } from "../api/domain/cohorts/access.ts";
import { startPostgres, createDatabase } from "../tests/helpers/postgres.ts";
import { migrate } from "../api/migrate.ts";
import pg from "pg";

/** SQLite ingestion: the GraphQL mutation vs raw better-sqlite3 doing the same writes, alternating rounds. */
export async function runIngestion(sizes: number[], rounds: number): Promise<Comparison[]> {
  const out: Comparison[] = [];
  for (const size of sizes) {
    const product = await tempSqliteUrl();
    const baseline = await tempSqliteUrl();
    const floor = await tempSqliteUrl();
    try {
      await ingestThroughGraphql(product.url, makeEvents(5000, "warm"));
      ingestRawSqlite(baseline.path, makeEvents(5000, "warm"));
      ingestRawSqlite(floor.path, makeEvents(5000, "warm"), 5000, { eventsOnly: true });
      const p: number[] = [];
      const b: number[] = [];
      const f: number[] = [];
      for (let i = 0; i < rounds; i++) {
        // Fresh event ids each round: the same ids again would all be duplicates.
        const events = makeEvents(size, `r${i}`);
        if (i % 2 === 0) {
          p.push((await ingestThroughGraphql(product.url, events)).perSecond);
          b.push(ingestRawSqlite(baseline.path, events).perSecond);
        } else {
          b.push(ingestRawSqlite(baseline.path, events).perSecond);
          p.push((await ingestThroughGraphql(product.url, events)).perSecond);
        }
        f.push(ingestRawSqlite(floor.path, events, 5000, { eventsOnly: true }).perSecond);
      }
      const benchmark = "usage ingestion, batches of 5,000 (SQLite)";
      const rows = `${size.toLocaleString("en")} events per round`;
      out.push(
        fromSamples({ benchmark, size: rows, product: "GraphQL ingestUsage over HTTP", baseline: "raw better-sqlite3 transaction, same inserts and rollup upserts" }, "events/s", p, b),
        fromSamples(
          {
            benchmark,
            size: rows,
            product: "raw better-sqlite3, same inserts and rollup upserts (the baseline above)",
            baseline: "raw better-sqlite3, the idempotent event rows alone (a floor: no rollups, no sessions)",
            note: "what keeping rollups and exact session counts current costs on this machine",
          },
          "events/s",
          b,
          f,
        ),
      );
    } finally {
      product.cleanup();
      baseline.cleanup();
      floor.cleanup();
    }
  }
  return out;
}

/** PostgreSQL ingestion through GraphQL vs a raw multi-row INSERT of the same events (no rollups: a floor). */
export async function runPostgresIngestion(size: number, rounds: number): Promise<Comparison[]> {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, `pu_bench_ingest_${process.pid}`);
    await migrate(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE TABLE bench_events (event_id text PRIMARY KEY, user_id text, feature text, occurred_at timestamptz, session_id text)`);
    const raw = async (events: ReturnType<typeof makeEvents>) => {
      const start = performance.now();
      for (let i = 0; i < events.length; i += 5000) {
        const chunk = events.slice(i, i + 5000);
        const values: unknown[] = [];
        const rows = chunk.map((e, k) => {
          values.push(e.eventId, e.userId, e.feature, e.occurredAt, e.sessionId);
          return `($${k * 5 + 1},$${k * 5 + 2},$${k * 5 + 3},$${k * 5 + 4},$${k * 5 + 5})`;
        });
        await client.query(`INSERT INTO bench_events VALUES ${rows.join(",")} ON CONFLICT DO NOTHING`, values);
      }
      return (events.length / (performance.now() - start)) * 1000;
    };
    await ingestThroughGraphql(url, makeEvents(5000, "warm"));
    const p: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const events = makeEvents(size, `r${i}`);
      p.push((await ingestThroughGraphql(url, events)).perSecond);
      b.push(await raw(events));
    }
    await client.end();
    return [
      fromSamples(
        {
          benchmark: "usage ingestion, batches of 5,000 (PostgreSQL)",
          size: `${size.toLocaleString("en")} events per round`,
          product: "GraphQL ingestUsage over HTTP (with rollups)",
          baseline: "raw multi-row INSERT of the events only (a floor: no rollups)",
        },
        "events/s",
        p,
        b,
      ),
    ];
  } finally {
    await server.stop();
  }
}

/** L30 power-user curve through the domain query vs a hand-written one, at several user counts. */
export async function runCurve(sizes: number[], rounds: number): Promise<Comparison[]> {
  const out: Comparison[] = [];
  for (const users of sizes) {
    const r = await benchCurve(users, 30, rounds);
    out.push({
      benchmark: "power-user curve L30 (SQLite)",
      size: `${users.toLocaleString("en")} users, ${r.userDays.toLocaleString("en")} user-days`,
      product: "powerUserCurve (the API's SQL)",
      baseline: "hand-written SQL",
      productMedian: r.apiMs,
      baselineMedian: r.baselineMs,
      ratio: r.apiMs / r.baselineMs,
      unit: "ms",
      note: `a year-long engagementSeries on the same data: ${r.seriesYearMs} ms`,
    });
  }
  return out;
}

/** Feature-access checks per second: the warm in-process cache vs a prepared SQL lookup per check. */
export async function runFeatureAccess(users: number, checks: number): Promise<Comparison[]> {
  const bench = await openBench(benchUrl("feature-access"));
  try {
    const { db } = bench.database;
    const accepted = Math.floor(users / 4);
    const cohort = await db.cohort.create({ data: { name: "Bench", featureKey: "bench", capacity: accepted, acceptedCount: accepted } });
    for (let i = 0; i < users; i += 1000) {
      await db.user.createMany({ data: Array.from({ length: Math.min(1000, users - i) }, (_, j) => ({ id: `u${i + j}`, externalId: `user-${i + j}` })) });
    }
    for (let i = 0; i < accepted; i += 1000) {
      await db.enrollment.createMany({ data: Array.from({ length: Math.min(1000, accepted - i) }, (_, j) => ({ cohortId: cohort.id, userId: `u${i + j}`, status: "ACCEPTED" as const })) });
    }
    const lookup = bench.raw!.prepare(
      `SELECT 1 FROM "Enrollment" e JOIN "User" u ON u."id" = e."userId" JOIN "Cohort" c ON c."id" = e."cohortId"
       WHERE u."externalId" = ? AND c."featureKey" = ? AND c."archivedAt" IS NULL AND e."status" = 'ACCEPTED' LIMIT 1`,
    );
    await hasFeatureAccess(db, "bench", "user-1");
    const ids = Array.from({ length: checks }, (_, i) => `user-${(i * 7919) % users}`);
    const rate = async (fn: (id: string) => unknown) => {
      const start = performance.now();
      for (const id of ids) await fn(id);
      return (checks / (performance.now() - start)) * 1000;
    };
    const p: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 5; i++) {
      p.push(await rate((id) => hasFeatureAccess(db, "bench", id)));
      b.push(await rate((id) => lookup.get(id, "bench")));
    }
    return [
      fromSamples(
        {
          benchmark: "feature-access checks (SQLite, warm)",
          size: `${users.toLocaleString("en")} users, ${accepted.toLocaleString("en")} with access`,
          product: "hasFeatureAccess (in-process cache, invalidated on enrolment changes)",
          baseline: "prepared SQL lookup per check",
        },
        "checks/s",
        p,
        b,
      ),
    ];
  } finally {
    await bench.close();
  }
}

/** The mixed widget workload (autocannon, loopback, bounded) with its p50 and p99. */
export async function runMixedLoad(seconds: number, bareRps: number | undefined): Promise<Comparison[]> {
  const server = await loadTestServer();
  try {
    const r = await runLoad(server.url, { durationSeconds: seconds, connections: 20, memberTokens: server.memberTokens });
    return [
      {
        benchmark: "mixed widget workload, 20 connections (SQLite, demo data)",
        size: `${seconds} s, ${r.requests.toLocaleString("en")} requests`,
        product: "our server (board cache on, the default)",
        baseline: "bare yoga answering a constant (same machine, same run)",
        productMedian: r.requestsPerSecond,
        baselineMedian: bareRps ?? Number.NaN,
        ratio: bareRps ? bareRps / r.requestsPerSecond : Number.NaN,
        unit: "req/s",
        note: `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, errors ${r.errors}, non-2xx ${r.non2xx}, timeouts ${r.timeouts}`,
      },
    ];
  } finally {
    await server.close();
  }
}
