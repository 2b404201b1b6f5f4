// Candidates benchmark: 100,000 users with 60 days of rollups on SQLite, then the candidates
// query for the demo criteria (ACTIVE_DAYS >= 15 and FEATURE_BREADTH >= 5 over 30 days).
// Run: npx tsx bench/candidates.ts [users]   (BENCH_DB=/path/bench.db reuses a seeded file)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "../api/migrate.ts";
import { openDatabase } from "../api/db.ts";
import { findCandidates, parseCriteria } from "../api/domain/criteria/index.ts";
import { dayOf } from "../api/domain/days.ts";

const USERS = Number(process.argv[2] ?? 100_000);
const path = process.env.BENCH_DB ?? join(mkdtempSync(join(tmpdir(), "pu-bench-")), "bench.db");
const reuse = !!process.env.BENCH_DB;
if (!reuse) await migrate(`file:${path}`);

const today = dayOf(new Date());
const raw = new Database(path);
raw.pragma("journal_mode = WAL");
raw.pragma("synchronous = OFF");
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const t0 = performance.now();
if (!reuse) raw.transaction(() => {
  const feature = raw.prepare(`INSERT INTO "Feature" ("id", "key", "name", "advanced", "createdAt") VALUES (?, ?, ?, ?, ?)`);
  for (let f = 0; f < 12; f++) feature.run(`f${f}`, `f${f}`, `Feature ${f}`, f >= 8 ? 1 : 0, new Date().toISOString());
  const user = raw.prepare(`INSERT INTO "User" ("id", "externalId", "firstSeenAt", "createdAt", "updatedAt", "showOnLeaderboards") VALUES (?, ?, ?, ?, ?, 1)`);
  const day = raw.prepare(`INSERT INTO "UserDay" ("userId", "day", "events", "sessions") VALUES (?, ?, ?, ?)`);
  const daily = raw.prepare(`INSERT INTO "UsageDaily" ("userId", "day", "featureId", "events", "sessions") VALUES (?, ?, ?, ?, ?)`);
  const now = new Date().toISOString();
  for (let i = 0; i < USERS; i++) {
    const id = `u${i}`;
    user.run(id, id, now, now, now);
    const intensity = Math.pow(random(), 2);
    for (let d = today - 59; d <= today; d++) {
      if (random() > intensity) continue;
      day.run(id, d, 3, 1);
      const a = Math.floor(random() * 12);
      daily.run(id, d, `f${a}`, 1, 1);
      if (intensity > 0.4) daily.run(id, d, `f${(a + 1 + Math.floor(random() * 11)) % 12}`, 1, 1);
    }
  }
})();
const counts = raw.prepare(`SELECT (SELECT COUNT(*) FROM "UserDay") AS days, (SELECT COUNT(*) FROM "UsageDaily") AS daily`).get() as { days: number; daily: number };
raw.exec("ANALYZE");
raw.close();
console.log(`seeded ${USERS} users, ${counts.days} UserDay rows, ${counts.daily} UsageDaily rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const { db, dialect, close } = await openDatabase(`file:${path}`);
const program = await db.program.upsert({ where: { slug: "bench" }, update: {}, create: { slug: "bench", name: "Bench", kind: "COMMUNITY" } });
const criteria = parseCriteria({ all: [
  { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 15 },
  { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", value: 5 },
] });
for (let run = 1; run <= 3; run++) {
  const start = performance.now();
  const page = await findCandidates(db, dialect, criteria, { programId: program.id, asOfDay: today, offset: 0, limit: 20 });
  console.log(`run ${run}: ${page.totalCount} candidates, first page of ${page.candidates.length} in ${(performance.now() - start).toFixed(0)} ms`);
}
// Without a required activity condition there is nothing to pre-filter on: every aggregate scans its window.
const unpruned = parseCriteria({ any: [
  { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 25 },
  { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", value: 10 },
] });
{
  const start = performance.now();
  const page = await findCandidates(db, dialect, unpruned, { programId: program.id, asOfDay: today, offset: 0, limit: 20 });
  console.log(`any-group (no pre-filter): ${page.totalCount} candidates in ${(performance.now() - start).toFixed(0)} ms`);
}
await close();
