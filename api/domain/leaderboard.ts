// Leaderboards: all-time boards read the maintained totals; period boards sum the ledger
// from the period's start. Ties share a rank (1, 2, 2, 4); within a tie the one who
// reached the total first (earlier last entry) comes first.
import { Prisma, type Db, type Dialect } from "../db.ts";
import { periodStart, type Period } from "./periods.ts";
import { WORKSPACE_SCOPE } from "./points.ts";

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
}

/** Rows of the board's source, one per user: (userId, points, lastEarnedAt). */
function boardSource(dialect: Dialect, q: LeaderboardQuery): Prisma.Sql {
  const teamJoin = q.team
    ? Prisma.sql`JOIN "User" u ON u."id" = src."userId" AND u."team" = ${q.team}`
    : Prisma.empty;
  const memberJoin = q.programId
    ? Prisma.sql`JOIN "Membership" m ON m."userId" = src."userId" AND m."programId" = ${q.programId} AND m."status" IN ('ACTIVE', 'PAUSED')`
    : Prisma.empty;
  const start = periodStart(q.period, q.now);
  if (!start) {
    const scope = q.programId ?? WORKSPACE_SCOPE;
    return Prisma.sql`SELECT src."userId", src."points", src."lastEarnedAt" FROM "PointsTotal" src ${teamJoin} ${memberJoin}
      WHERE src."scope" = ${scope} AND src."points" > 0`;
  }
  const since = dialect === "sqlite" ? start.toISOString() : start;
  const programFilter = q.programId ? Prisma.sql`AND e."programId" = ${q.programId}` : Prisma.empty;
  return Prisma.sql`SELECT src."userId", src."points", src."lastEarnedAt" FROM (
      SELECT e."userId", SUM(e."points") AS "points", MAX(e."occurredAt") AS "lastEarnedAt"
      FROM "PointsEntry" e WHERE e."occurredAt" >= ${since} ${programFilter}
      GROUP BY e."userId") src ${teamJoin} ${memberJoin}
    WHERE src."points" > 0`;
}

export async function leaderboardPage(db: Db, dialect: Dialect, q: LeaderboardQuery) {
  const source = boardSource(dialect, q);
  const rows = await db.$queryRaw<{ userId: string; points: number | bigint; rank: number | bigint; lastEarnedAt: Date | string }[]>`
    SELECT b."userId", b."points", b."lastEarnedAt", RANK() OVER (ORDER BY b."points" DESC) AS "rank"
    FROM (${source}) b
    ORDER BY b."points" DESC, b."lastEarnedAt" ASC, b."userId" ASC
    LIMIT ${q.limit} OFFSET ${q.offset}`;
  const [{ total }] = (await db.$queryRaw<{ total: number | bigint }[]>`SELECT COUNT(*) AS "total" FROM (${source}) b`) as [{ total: number | bigint }];
  return { rows: rows.map(toRow), totalCount: Number(total) };
}

/** One user's place on a board, or null when they have no points in it. */
export async function leaderboardPosition(db: Db, dialect: Dialect, q: Omit<LeaderboardQuery, "offset" | "limit">, userId: string) {
  const source = boardSource(dialect, { ...q, offset: 0, limit: 0 });
  const mine = await db.$queryRaw<{ userId: string; points: number | bigint; lastEarnedAt: Date | string }[]>`
    SELECT b."userId", b."points", b."lastEarnedAt" FROM (${source}) b WHERE b."userId" = ${userId}`;
  if (mine.length === 0) return null;
  const me = mine[0]!;
  const [{ above }] = (await db.$queryRaw<{ above: number | bigint }[]>`
    SELECT COUNT(*) AS "above" FROM (${source}) b WHERE b."points" > ${Number(me.points)}`) as [{ above: number | bigint }];
  return toRow({ ...me, rank: Number(above) + 1 });
}

function toRow(r: { userId: string; points: number | bigint; rank: number | bigint; lastEarnedAt: Date | string }): LeaderboardRow {
  return { userId: r.userId, points: Number(r.points), rank: Number(r.rank), lastEarnedAt: new Date(r.lastEarnedAt) };
}
