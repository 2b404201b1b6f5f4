// Leaderboard top-50 and a member's own rank: the API vs hand-written SQL vs an in-memory array.
import { compareTimes, type Comparison } from "./harness.ts";
import { openBench, prng, tempSqliteUrl, type BenchDb } from "./setup.ts";

const TOP = /* GraphQL */ `{ leaderboard(period: ALL_TIME, first: 50) { edges { node { rank points user { externalId displayName } } } } }`;
const MINE = /* GraphQL */ `{ leaderboard(period: ALL_TIME, first: 1) { myPosition { rank points } } }`;

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
  })();
  return totals;
}

export async function runLeaderboard(sizes: { users: number; entries: number }[], rounds: number): Promise<Comparison[]> {
  const results: Comparison[] = [];
  for (const { users, entries } of sizes) {
    const bench = await openBench(tempSqliteUrl("leaderboard"));
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
      results.push(
        await compareTimes(
          { benchmark: "leaderboard top-50 (all time, SQLite)", size, product: "GraphQL leaderboard(first: 50)", baseline: "hand-written SQL" },
          rounds,
          () => bench.gql(TOP),
          () => baselineTop.all(),
        ),
      );
      const sorted = [...totals].map(([user, t]) => ({ user, ...t })).sort((a, b) => b.points - a.points || a.last - b.last);
      results.push(
        await compareTimes(
          { benchmark: "leaderboard top-50 (all time, SQLite)", size, product: "hand-written SQL", baseline: "in-memory sorted array (the floor)" },
          rounds,
          () => baselineTop.all(),
          () => sorted.slice(0, 50).map((r, i) => ({ ...r, rank: i + 1 })),
        ),
      );
      // A member in the middle of the board.
      const middle = sorted[Math.floor(sorted.length / 2)]!;
      const token = await bench.memberToken(`user-${middle.user}`);
      const baselineRank = raw.prepare(`SELECT COUNT(*) + 1 AS "rank" FROM "PointsTotal" WHERE "scope" = '' AND "points" > (SELECT "points" FROM "PointsTotal" WHERE "userId" = ? AND "scope" = '')`);
      results.push(
        await compareTimes(
          { benchmark: "leaderboard own rank (all time, SQLite)", size, product: "GraphQL myPosition", baseline: "hand-written SQL" },
          rounds,
          () => bench.gql(MINE, {}, token),
          () => baselineRank.get(`u${middle.user}`),
        ),
      );
    } finally {
      await bench.close();
    }
  }
  return results;
}
