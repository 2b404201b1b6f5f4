// Leaderboard bench (SQLite): 100,000 members and 1,000,000 ledger entries.
// Measures the all-time top-50 (domain query through Prisma, and a whole GraphQL request)
// against a hand-written SQL baseline on the raw driver, a member's own rank, and a month board.
// Run: npx tsx bench/leaderboard.ts   (about a minute; uses a temporary database)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../api/db.ts";
import { leaderboardCount, leaderboardPage, leaderboardPosition } from "../api/domain/leaderboard.ts";

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const RUNS = 30;

// BENCH_DB=/some/file.db keeps (and reuses) the seeded database between runs.
const dir = mkdtempSync(join(tmpdir(), "pu-bench-"));
const path = process.env.BENCH_DB ?? join(dir, "bench.db");
const url = `file:${path}`;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
async function time(fn: () => unknown, runs = RUNS) {
  const samples: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    await fn();
    if (i >= 3) samples.push(performance.now() - t0);
  }
  return median(samples);
}
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function seed() {
  execFileSync(join(process.cwd(), "node_modules", ".bin", "prisma"), ["migrate", "deploy", "--schema", "prisma/sqlite/schema.prisma"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
  const raw = new Database(path);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  const now = Date.now();
  const insUser = raw.prepare(`INSERT INTO "User" ("id","externalId","displayName","team","showOnLeaderboards","firstSeenAt","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?)`);
  const insEntry = raw.prepare(`INSERT INTO "PointsEntry" ("userId","points","reason","occurredAt","createdAt") VALUES (?,?,'CONTRIBUTION',?,?)`);
  const insTotal = raw.prepare(`INSERT INTO "PointsTotal" ("userId","scope","points","lastEarnedAt") VALUES (?,?,?,?)`);
  let rnd = 42;
  const rand = () => ((rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648);
  raw.transaction(() => {
    const per = Math.floor(ENTRIES / USERS);
    for (let u = 0; u < USERS; u++) {
      const id = `u${u}`;
      const t = iso(now);
      insUser.run(id, `ext-${u}`, `User ${u}`, `team-${u % 20}`, u % 10 === 0 ? 0 : 1, t, t, t);
      let sum = 0;
      let last = 0;
      for (let k = 0; k < per; k++) {
        const pts = [5, 10, 15, 20, 25, 30, 40, 50, 75, 100][Math.floor(rand() * 10)]!;
        const when = now - Math.floor(rand() * 730 * 86_400_000);
        sum += pts;
        last = Math.max(last, when);
        insEntry.run(id, pts, iso(when), iso(when));
      }
      insTotal.run(id, "", sum, iso(last));
    }
  })();
  raw.exec("ANALYZE");
  return raw;
}

const t0 = performance.now();
const raw = process.env.BENCH_DB && existsSync(path) ? new Database(path) : seed();
console.log(`seeded ${USERS} users and ${ENTRIES} ledger entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const { db, dialect, close } = await openDatabase(url);
const baselineStmt = raw.prepare(`
  SELECT t."userId", t."points", t."lastEarnedAt",
    (SELECT COUNT(*) FROM "PointsTotal" x WHERE x."scope" = '' AND x."points" > t."points") + 1 AS "rank"
  FROM "PointsTotal" t WHERE t."scope" = '' AND t."points" > 0
  ORDER BY t."points" DESC, t."lastEarnedAt" ASC, t."userId" ASC LIMIT 50`);
const baselineCount = raw.prepare(`SELECT COUNT(*) AS n FROM "PointsTotal" WHERE "scope" = '' AND "points" > 0`);
const baseline = await time(() => baselineStmt.all());
const baselineWithCount = await time(() => {
  baselineStmt.all();
  baselineCount.get();
});
const top50 = await time(() => leaderboardPage(db, dialect, { period: "ALL_TIME", offset: 0, limit: 50 }));
const top50WithCount = await time(async () => {
  await leaderboardPage(db, dialect, { period: "ALL_TIME", offset: 0, limit: 50 });
  await leaderboardCount(db, dialect, { period: "ALL_TIME" });
});
const deep = await time(() => leaderboardPage(db, dialect, { period: "ALL_TIME", offset: 50_000, limit: 50 }), 5);
const team = await time(() => leaderboardPage(db, dialect, { period: "ALL_TIME", team: "team-3", offset: 0, limit: 50 }), 5);
const middle = `u${Math.floor(USERS / 2)}`;
const ownRank = await time(() => leaderboardPosition(db, dialect, { period: "ALL_TIME" }, middle));
const month = await time(() => leaderboardPage(db, dialect, { period: "MONTH", offset: 0, limit: 50 }), 5);
const ownMonth = await time(() => leaderboardPosition(db, dialect, { period: "MONTH" }, middle), 5);

const { createApp } = await import("../api/yoga.ts");
const { createAppPubSub } = await import("../api/pubsub.ts");
const { loadConfig } = await import("../api/config.ts");
const config = loadConfig({ DATABASE_URL: url, ADMIN_SECRET: "bench-admin-secret-0123456789", IDENTITY_SECRET: "bench-identity-secret-0123456789", PORT: "0" } as NodeJS.ProcessEnv);
const app = createApp({ db, dialect, config, pubsub: createAppPubSub() });
const query = JSON.stringify({ query: `{ leaderboard(first: 50) { edges { node { rank points user { displayName isAnonymous } } } } }` });
const graphql = await time(async () => {
  const res = await app.fetch("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: query });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
});

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
console.log(`median of ${RUNS} runs (5 for the slow ones) (SQLite, ${USERS} members, ${ENTRIES} entries)`);
console.log(`  baseline (raw driver, hand-written SQL), top 50 ranked:  ${fmt(baseline)}`);
console.log(`  leaderboardPage ALL_TIME top 50 ranked:                  ${fmt(top50)}  (${(top50 / baseline).toFixed(2)}x baseline; target < 50 ms, <= 1.5x)`);
console.log(`  baseline top 50 + board size (COUNT):                    ${fmt(baselineWithCount)}`);
console.log(`  leaderboardPage + leaderboardCount:                      ${fmt(top50WithCount)}  (${(top50WithCount / baselineWithCount).toFixed(2)}x)`);
console.log(`  GraphQL leaderboard(first: 50) whole request:            ${fmt(graphql)}`);
console.log(`  leaderboardPage ALL_TIME offset 50,000:                  ${fmt(deep)}`);
console.log(`  leaderboardPage ALL_TIME team filter top 50:             ${fmt(team)}`);
console.log(`  leaderboardPosition ALL_TIME (own rank):                 ${fmt(ownRank)}  (target < 20 ms)`);
console.log(`  leaderboardPage MONTH top 50:                            ${fmt(month)}`);
console.log(`  leaderboardPosition MONTH (own rank):                    ${fmt(ownMonth)}`);

await close();
raw.close();
rmSync(dir, { recursive: true, force: true });
