// Leaderboard top-50 and a member's own rank: the API (response cache off, and answered from
// it) vs hand-written SQL vs an in-memory array, and our API vs the same SQL behind bare yoga.
import { createSchema, createYoga } from "graphql-yoga";
import { compareTimes, type Comparison } from "./harness.ts";
import { gqlThrough, openBench, prng, tempSqliteUrl, type BenchDb } from "./setup.ts";
import { periodTotalsFromLedgerSql } from "../api/domain/points.ts";

const TOP = /* GraphQL */ `{ leaderboard(period: ALL_TIME, first: 50) { edges { node { rank points user { externalId displayName } } } } }`;
const MINE = /* GraphQL */ `{ leaderboard(period: ALL_TIME, first: 1) { myPosition { rank points } } }`;
const YEAR_TOP = /* GraphQL */ `{ leaderboard(period: YEAR, first: 50) { edges { node { rank points user { externalId displayName } } } } }`;

/** users people, `entries` ledger rows, totals maintained as the product maintains them. */
function fill(bench: BenchDb, users: number, entries: number) {
  const raw = bench.raw!;
  const random = prng(42);
  const now = Date.now();
  const insertUser = raw.prepare(`INSERT INTO "User" ("id","externalId","displayName","showOnLeaderboards","firstSeenAt","createdAt","updatedAt") VALUES (?,?,?,1,?,?,?)`);
  const insertEntry = raw.prepare(`INSERT INTO "PointsEntry" ("userId","points","reason","occurredAt","createdAt") VALUES (?,?,'CONTRIBUTION',?,?)`);
  const insertTotal = raw.prepare(`INSERT INTO "PointsTotal" ("userId","scope","points","lastEarnedAt") VALUES (?, '', ?, ?)`);
  const totals = new Map<number, { points: number; last: number }>();
  raw.transaction(() => {
    const iso = new Date(now).toISOString();
    for (let i = 0; i < users; i++) insertUser.run(`u${i}`, `user-${i}`, `User ${i}`, iso, iso, iso);
    for (let k = 0; k < entries; k++) {
      // Skewed: a few people earn most points, as in real communities.
      const user = Math.floor(Math.pow(random(), 2) * users);
      const points = 5 + Math.floor(random() * 20) * 5;
      const at = now - Math.floor(random() * 365 * 86_400_000);
      insertEntry.run(`u${user}`, points, new Date(at).toISOString(), iso);
      const t = totals.get(user) ?? { points: 0, last: 0 };
      t.points += points;
      t.last = Math.max(t.last, at);
      totals.set(user, t);
    }
    for (const [user, t] of totals) insertTotal.run(`u${user}`, t.points, new Date(t.last).toISOString());
    raw.exec(periodTotalsFromLedgerSql("sqlite"));
  })();
  return totals;
}

// Sub-millisecond paths: one warm-up call leaves V8 compiling mid-measurement, so every row here
// runs both sides this many times first (a server answering a board has long been warm).
const WARMUP = 50;
// And take more samples than the suite's rounds: a median of 9 sub-millisecond timings on a
// shared machine moves by a third from run to run.
const MIN_ROUNDS = 101;

type TopRow = { userId: string; points: number; displayName: string | null; externalId: string; rank: number };

/** The same top-50 answered by bare graphql-yoga with the hand-written statement as its resolver: the cost of our abstractions alone. */
function bareYoga(top: () => TopRow[]) {
  const schema = createSchema({
    typeDefs: /* GraphQL */ `
      enum LeaderboardPeriod { WEEK MONTH QUARTER YEAR ALL_TIME }
      type User { externalId: String! displayName: String! }
      type LeaderboardEntry { rank: Int! points: Int! user: User! }
      type LeaderboardEdge { node: LeaderboardEntry! }
      type LeaderboardConnection { edges: [LeaderboardEdge!]! }
      type Query { leaderboard(period: LeaderboardPeriod, first: Int): LeaderboardConnection! }`,
    resolvers: {
      Query: {
        leaderboard: () => ({
          edges: top().map((r) => ({ node: { rank: r.rank, points: r.points, user: { externalId: r.externalId, displayName: r.displayName ?? "" } } })),
        }),
      },
    },
  });
  return createYoga({ schema, logging: false });
}

export async function runLeaderboard(sizes: { users: number; entries: number }[], rounds: number): Promise<Comparison[]> {
  const results: Comparison[] = [];
  for (const { users, entries } of sizes) {
    // `bench.gql` is the product as configured by default, board cache on (api/cache/board-cache.ts);
    // `uncached` is a second app on the same database with it off.
    const bench = await openBench(tempSqliteUrl("leaderboard"));
    const uncached = bench.otherApp({ LEADERBOARD_CACHE_TTL_MS: "0" });
    let bare: ReturnType<typeof bareYoga> | undefined;
    try {
      const totals = fill(bench, users, entries);
      const raw = bench.raw!;
      const size = `${users.toLocaleString("en")} users, ${entries.toLocaleString("en")} entries`;
      const baselineTop = raw.prepare(`
        SELECT t."userId", t."points", u."displayName", u."externalId",
          (SELECT COUNT(*) FROM "PointsTotal" t2 WHERE t2."scope" = '' AND t2."points" > t."points") + 1 AS "rank"
        FROM "PointsTotal" t JOIN "User" u ON u."id" = t."userId"
        WHERE t."scope" = '' AND t."points" > 0
        ORDER BY t."points" DESC, t."lastEarnedAt" ASC, t."userId" ASC LIMIT 50`);
      const samples = Math.max(rounds, MIN_ROUNDS);
      const warm = `${samples} rounds after ${WARMUP} warm-up calls each`;
      results.push(
        await compareTimes(
          { benchmark: "leaderboard top-50 (all time, SQLite)", size, product: "GraphQL leaderboard(first: 50), response cache off", baseline: "hand-written SQL", note: warm },
          samples,
          () => uncached.gql(TOP),
          () => baselineTop.all(),
          WARMUP,
        ),
      );
      results.push(
        await compareTimes(
          {
            benchmark: "leaderboard top-50 (all time, SQLite)",
            size,
            product: "GraphQL leaderboard(first: 50), answered from the response cache",
            baseline: "hand-written SQL",
            note: `${warm}; default LEADERBOARD_CACHE_TTL_MS, dropped by any write that can move a board`,
          },
          samples,
          () => bench.gql(TOP),
          () => baselineTop.all(),
          WARMUP,
        ),
      );
      bare = bareYoga(() => baselineTop.all() as TopRow[]);
      const bareGql = gqlThrough(bare);
      results.push(
        await compareTimes(
          {
            benchmark: "leaderboard top-50 (all time, SQLite)",
            size,
            product: "GraphQL leaderboard(first: 50), response cache off",
            baseline: "the hand-written SQL as a bare yoga resolver (same shape)",
            note: `${warm}; the cost of our abstractions alone`,
          },
          samples,
          () => uncached.gql(TOP),
          () => bareGql(TOP),
          WARMUP,
        ),
      );
      const sorted = [...totals].map(([user, t]) => ({ user, ...t })).sort((a, b) => b.points - a.points || a.last - b.last);
      results.push(
        await compareTimes(
          { benchmark: "leaderboard top-50 (all time, SQLite)", size, product: "hand-written SQL", baseline: "in-memory sorted array (the floor)", note: warm },
          samples,
          () => baselineTop.all(),
          () => sorted.slice(0, 50).map((r, i) => ({ ...r, rank: i + 1 })),
          WARMUP,
        ),
      );
      // This year's board: maintained period totals vs summing the year's ledger entries, as one
      // would without them (few rounds: the baseline reads most of the ledger each time).
      const yearStart = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1)).toISOString();
      const baselineYear = raw.prepare(`
        SELECT y."userId", y."points", u."displayName", u."externalId" FROM (
          SELECT e."userId", SUM(e."points") AS "points", MAX(e."occurredAt") AS "last" FROM "PointsEntry" e
          WHERE e."occurredAt" >= ? GROUP BY e."userId") y JOIN "User" u ON u."id" = y."userId"
        WHERE y."points" > 0 ORDER BY y."points" DESC, y."last" ASC, y."userId" ASC LIMIT 50`);
      results.push(
        await compareTimes(
          {
            benchmark: "leaderboard top-50 (this year, SQLite)",
            size,
            product: "GraphQL leaderboard(period: YEAR, first: 50), response cache off",
            baseline: "hand-written SQL summing the year's ledger entries",
            note: "5 rounds; the product reads totals maintained per calendar period",
          },
          5,
          () => uncached.gql(YEAR_TOP),
          () => baselineYear.all(yearStart),
        ),
      );
      // A member in the middle of the board.
      const middle = sorted[Math.floor(sorted.length / 2)]!;
      const token = await bench.memberToken(`user-${middle.user}`);
      const baselineRank = raw.prepare(`SELECT COUNT(*) + 1 AS "rank" FROM "PointsTotal" WHERE "scope" = '' AND "points" > (SELECT "points" FROM "PointsTotal" WHERE "userId" = ? AND "scope" = '')`);
      results.push(
        await compareTimes(
          { benchmark: "leaderboard own rank (all time, SQLite)", size, product: "GraphQL myPosition, response cache off", baseline: "hand-written SQL", note: warm },
          samples,
          () => uncached.gql(MINE, {}, token),
          () => baselineRank.get(`u${middle.user}`),
          WARMUP,
        ),
      );
    } finally {
      await bare?.dispose();
      await bench.close();
    }
  }
  return results;
}
