// Leaderboards read maintained totals: PointsTotal for all-time boards, PointsPeriodTotal for
// the current WEEK, MONTH, QUARTER or YEAR (api/domain/points.ts keeps both current). Ties
// share a rank (1, 2, 2, 4); within a tie the one who reached the total first (earlier last
// entry) comes first.
//
// Ranks are not computed with a window over the whole board: a page is read in board order
// (an index range scan for all-time boards), and only its first row's rank costs a query
// (1 + how many have more points); the rest follow from the order. That keeps a top-50 over
// 100k people at the cost of the page, not of the board.
import { Prisma, readRaw, type Db, type Dialect } from "../db.ts";
import { dayOf } from "./days.ts";
import { periodStart, type Period } from "./periods.ts";
import { WORKSPACE_SCOPE } from "./points.ts";
import type { User } from "../gen/sqlite/client.ts";
import { userColumns, userFromRow, type RawUser } from "./user-rows.ts";

export interface LeaderboardQuery {
  programId?: string | null;
  team?: string | null;
  period: Period;
  offset: number;
  limit: number;
  now?: Date;
}

export interface LeaderboardRow {
  userId: string;
  points: number;
  rank: number;
  lastEarnedAt: Date;
  /** The person's row, read in the board's own statement (so a page costs one query, not one per row). */
  user?: User;
  /** `user` carries everything the request's User selection needs (api/schema/leaderboards.ts plans it once per page). */
  planned?: boolean;
}

type RawRow = { userId: string; points: number | bigint; lastEarnedAt: Date | string };
type RawUserRow = RawRow & RawUser;

function joins(q: Omit<LeaderboardQuery, "offset" | "limit">) {
  const teamJoin = q.team
    ? Prisma.sql`JOIN "User" u ON u."id" = src."userId" AND u."team" = ${q.team}`
    : Prisma.empty;
  const memberJoin = q.programId
    ? Prisma.sql`JOIN "Membership" m ON m."userId" = src."userId" AND m."programId" = ${q.programId} AND m."status" IN ('ACTIVE', 'PAUSED')`
    : Prisma.empty;
  return { teamJoin, memberJoin };
}

/** FROM and WHERE of a board: the maintained totals of its scope (and period), people with points. */
function totalsFrom(q: Omit<LeaderboardQuery, "offset" | "limit">) {
  const { teamJoin, memberJoin } = joins(q);
  const scope = q.programId ?? WORKSPACE_SCOPE;
  const start = periodStart(q.period, q.now);
  if (!start) return Prisma.sql`"PointsTotal" src ${teamJoin} ${memberJoin} WHERE src."scope" = ${scope} AND src."points" > 0`;
  return Prisma.sql`"PointsPeriodTotal" src ${teamJoin} ${memberJoin}
    WHERE src."scope" = ${scope} AND src."period" = ${q.period} AND src."start" = ${dayOf(start)} AND src."points" > 0`;
}

/** Rows of the board, one per person with points: (userId, points, lastEarnedAt). */
function boardSource(q: Omit<LeaderboardQuery, "offset" | "limit">): Prisma.Sql {
  return Prisma.sql`SELECT src."userId", src."points", src."lastEarnedAt" FROM ${totalsFrom(q)}`;
}

/** How many on the board have more points. */
async function countAbove(db: Db, q: Omit<LeaderboardQuery, "offset" | "limit">, points: number) {
  const [row] = await readRaw<{ above: number | bigint }>(db, Prisma.sql`SELECT COUNT(*) AS "above" FROM ${totalsFrom(q)} AND src."points" > ${points}`);
  return Number(row!.above);
}

/** One page of a board in rank order. The board's size is a separate query (leaderboardCount), paid only when asked for. */
export async function leaderboardPage(db: Db, _dialect: Dialect, q: LeaderboardQuery) {
  const source = boardSource(q);
  // The people of the page are joined after the LIMIT, so only the page's rows are looked up.
  const rows = await readRaw<RawUserRow>(db, Prisma.sql`
    SELECT p."userId", p."points", p."lastEarnedAt", ${userColumns("usr")} FROM (
      SELECT b."userId", b."points", b."lastEarnedAt" FROM (${source}) b
      ORDER BY b."points" DESC, b."lastEarnedAt" ASC, b."userId" ASC
      LIMIT ${q.limit} OFFSET ${q.offset}) p
    JOIN "User" usr ON usr."id" = p."userId"
    ORDER BY p."points" DESC, p."lastEarnedAt" ASC, p."userId" ASC`);
  const ranked: LeaderboardRow[] = [];
  for (const [i, r] of rows.entries()) {
    const points = Number(r.points);
    const prev = ranked[i - 1];
    // Competition ranking: a row's rank is 1 + the number of rows with more points.
    const rank = prev ? (prev.points === points ? prev.rank : q.offset + i + 1) : q.offset === 0 ? 1 : (await countAbove(db, q, points)) + 1;
    ranked.push({ userId: r.userId, points, rank, lastEarnedAt: new Date(r.lastEarnedAt), user: userFromRow(r) });
  }
  return { rows: ranked };
}

/** How many people are on the board (with points > 0). */
export async function leaderboardCount(db: Db, _dialect: Dialect, q: Omit<LeaderboardQuery, "offset" | "limit">) {
  const [row] = await readRaw<{ total: number | bigint }>(db, Prisma.sql`SELECT COUNT(*) AS "total" FROM ${totalsFrom(q)}`);
  return Number(row!.total);
}

/** One user's place on a board, or null when they have no points in it. */
export async function leaderboardPosition(db: Db, _dialect: Dialect, q: Omit<LeaderboardQuery, "offset" | "limit">, userId: string) {
  // The row and its rank in one statement (a correlated count), not two round trips.
  const mine = await readRaw<RawRow & { above: number | bigint }>(db, Prisma.sql`
    SELECT me."userId", me."points", me."lastEarnedAt",
      (SELECT COUNT(*) FROM ${totalsFrom(q)} AND src."points" > me."points") AS "above"
    FROM (${boardSource(q)}) me WHERE me."userId" = ${userId}`);
  if (mine.length === 0) return null;
  const me = mine[0]!;
  return { userId: me.userId, points: Number(me.points), rank: Number(me.above) + 1, lastEarnedAt: new Date(me.lastEarnedAt) };
}
