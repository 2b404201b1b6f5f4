// Candidates for a program (ACTIVE_DAYS >= 15 and FEATURE_BREADTH >= 5 over 30 days, plus an
// any-group that cannot be pre-filtered): the GraphQL API vs hand-written SQL for the same answer.
// Part of `npm run bench`; `npx tsx bench/candidates.ts [users]` runs it alone.
import { fileURLToPath } from "node:url";
import { compareTimes, type Comparison } from "./harness.ts";
import { openBench, prng, tempSqliteUrl, type BenchDb } from "./setup.ts";
import { dayOf } from "../api/domain/days.ts";

const QUERY = /* GraphQL */ `query ($p: ID!) { candidates(programId: $p, first: 20) {
  totalCount edges { node { score user { externalId } explanation { passed conditions { actual } } } } } }`;

/** `users` people with 60 days of rollups; engagement is skewed (a few very active people). */
function fill(bench: BenchDb, users: number, today: number) {
  const raw = bench.raw!;
  const random = prng(42);
  const iso = new Date().toISOString();
  const feature = raw.prepare(`INSERT INTO "Feature" ("id", "key", "name", "advanced", "createdAt") VALUES (?, ?, ?, ?, ?)`);
  const user = raw.prepare(`INSERT INTO "User" ("id", "externalId", "firstSeenAt", "createdAt", "updatedAt", "showOnLeaderboards") VALUES (?, ?, ?, ?, ?, 1)`);
  const day = raw.prepare(`INSERT INTO "UserDay" ("userId", "day", "events", "sessions") VALUES (?, ?, ?, ?)`);
  const daily = raw.prepare(`INSERT INTO "UsageDaily" ("userId", "day", "featureId", "events", "sessions") VALUES (?, ?, ?, ?, ?)`);
  raw.transaction(() => {
    for (let f = 0; f < 12; f++) feature.run(`f${f}`, `f${f}`, `Feature ${f}`, f >= 8 ? 1 : 0, iso);
    for (let i = 0; i < users; i++) {
      const id = `u${i}`;
      user.run(id, id, iso, iso, iso);
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
  raw.exec("ANALYZE");
}

async function programWith(bench: BenchDb, slug: string, criteria: unknown) {
  const data = await bench.gql(`mutation ($input: CreateProgramInput!) { createProgram(input: $input) { ... on CreateProgramPayload { program { id } } } }`, {
    input: { name: slug, slug, kind: "COMMUNITY", criteriaJson: criteria },
  });
  return data.createProgram.program.id as string;
}

export async function runCandidates(sizes: number[], rounds: number): Promise<Comparison[]> {
  const results: Comparison[] = [];
  for (const users of sizes) {
    const bench = await openBench(tempSqliteUrl("candidates"));
    try {
      const today = dayOf(new Date());
      fill(bench, users, today);
      const size = `${users.toLocaleString("en")} users, 60 days of rollups`;
      const all = await programWith(bench, "all-group", { all: [
        { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 15 },
        { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", value: 5 },
      ] });
      const any = await programWith(bench, "any-group", { any: [
        { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 25 },
        { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", value: 10 },
      ] });
      const lo = today - 29;
      // What someone would write by hand for the same page: both aggregates, joined, filtered, ranked.
      const handAll = bench.raw!.prepare(`
        SELECT a."userId", a."days", f."breadth", (a."days" - 15) * 1.0 / 15 + (f."breadth" - 5) * 1.0 / 5 AS "score", COUNT(*) OVER () AS "total"
        FROM (SELECT "userId", COUNT(*) AS "days" FROM "UserDay" WHERE "day" BETWEEN ${lo} AND ${today} GROUP BY "userId" HAVING COUNT(*) >= 15) a
        JOIN (SELECT "userId", COUNT(DISTINCT "featureId") AS "breadth" FROM "UsageDaily" WHERE "day" BETWEEN ${lo} AND ${today} GROUP BY "userId") f ON f."userId" = a."userId"
        WHERE f."breadth" >= 5 AND NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = a."userId" AND m."programId" = ?)
        ORDER BY "score" DESC, a."userId" LIMIT 20`);
      const handAny = bench.raw!.prepare(`
        SELECT u."id", COALESCE(a."days", 0) AS "days", COALESCE(f."breadth", 0) AS "breadth", COUNT(*) OVER () AS "total"
        FROM "User" u
        LEFT JOIN (SELECT "userId", COUNT(*) AS "days" FROM "UserDay" WHERE "day" BETWEEN ${lo} AND ${today} GROUP BY "userId") a ON a."userId" = u."id"
        LEFT JOIN (SELECT "userId", COUNT(DISTINCT "featureId") AS "breadth" FROM "UsageDaily" WHERE "day" BETWEEN ${lo} AND ${today} GROUP BY "userId") f ON f."userId" = u."id"
        WHERE COALESCE(a."days", 0) >= 25 OR COALESCE(f."breadth", 0) >= 10
        ORDER BY MAX(CASE WHEN COALESCE(a."days", 0) >= 25 THEN (a."days" - 25) / 25.0 ELSE 0 END, CASE WHEN COALESCE(f."breadth", 0) >= 10 THEN (f."breadth" - 10) / 10.0 ELSE 0 END) DESC, u."id" LIMIT 20`);
      const check = await bench.gql(QUERY, { p: all });
      const hand = handAll.all(all) as { total: number }[];
      const note = `${check.candidates.totalCount.toLocaleString("en")} candidates${hand[0]?.total === check.candidates.totalCount ? "" : " (hand-written SQL disagrees!)"}`;
      results.push(
        await compareTimes(
          { benchmark: "candidates, all-group (SQLite)", size, product: "GraphQL candidates(first: 20)", baseline: "hand-written SQL", note },
          rounds,
          () => bench.gql(QUERY, { p: all }),
          () => handAll.all(all),
        ),
      );
      const anyCheck = await bench.gql(QUERY, { p: any });
      results.push(
        await compareTimes(
          { benchmark: "candidates, any-group (SQLite)", size, product: "GraphQL candidates(first: 20)", baseline: "hand-written SQL", note: `${anyCheck.candidates.totalCount.toLocaleString("en")} candidates` },
          rounds,
          () => bench.gql(QUERY, { p: any }),
          () => handAny.all(),
        ),
      );
    } finally {
      await bench.close();
    }
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const users = Number(process.argv[2] ?? 100_000);
  for (const r of await runCandidates([users], 3)) {
    console.log(`${r.benchmark} | ${r.size} | product ${r.productMedian.toFixed(0)} ms | hand-written SQL ${r.baselineMedian.toFixed(0)} ms | ${r.note ?? ""}`);
  }
}
