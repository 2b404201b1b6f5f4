// The points ledger: append-only entries plus maintained totals per scope ("" = workspace,
// else a program id), all time and per calendar period, written in the caller's transaction.
import { Prisma, sqlTime, type Db, type Dialect } from "../db.ts";
import type { LedgerReason } from "../gen/sqlite/client.ts";
import { dayOf } from "./days.ts";
import { periodStart, TOTALLED_PERIODS } from "./periods.ts";

export const WORKSPACE_SCOPE = "";

type Tx = Pick<Db, "pointsEntry" | "pointsTotal" | "$executeRaw">;

export interface LedgerWrite {
  userId: string;
  points: number;
  reason: LedgerReason;
  occurredAt: Date;
  programId?: string | null;
  contributionId?: string | null;
  note?: string | null;
}

export async function appendPoints(tx: Tx, dialect: Dialect, entry: LedgerWrite) {
  const created = await tx.pointsEntry.create({
    data: {
      userId: entry.userId,
      points: entry.points,
      reason: entry.reason,
      occurredAt: entry.occurredAt,
      programId: entry.programId ?? null,
      contributionId: entry.contributionId ?? null,
      note: entry.note ?? null,
    },
  });
  const scopes = entry.programId ? [WORKSPACE_SCOPE, entry.programId] : [WORKSPACE_SCOPE];
  for (const scope of scopes) {
    await addToTotal(tx, entry.userId, scope, entry.points, entry.occurredAt);
    await addToPeriodTotals(tx, dialect, entry.userId, scope, entry.points, entry.occurredAt);
  }
  return created;
}

async function addToTotal(tx: Tx, userId: string, scope: string, points: number, at: Date) {
  // increment is a single UPDATE ... SET points = points + n, so concurrent writers never lose points.
  await tx.pointsTotal.upsert({
    where: { userId_scope: { userId, scope } },
    create: { userId, scope, points, lastEarnedAt: at },
    update: { points: { increment: points } },
  });
  await tx.pointsTotal.updateMany({
    where: { userId, scope, lastEarnedAt: { lt: at } },
    data: { lastEarnedAt: at },
  });
}

/** The entry's points in the total of each calendar period it falls in (one statement, four rows). */
async function addToPeriodTotals(tx: Tx, dialect: Dialect, userId: string, scope: string, points: number, at: Date) {
  const when = sqlTime(dialect, at);
  const rows = TOTALLED_PERIODS.map((period) => Prisma.sql`(${userId}, ${scope}, ${period}, ${dayOf(periodStart(period, at)!)}, ${points}, ${when})`);
  // Same rules as the all-time total: points add up atomically, lastEarnedAt only moves forward.
  await tx.$executeRaw`
    INSERT INTO "PointsPeriodTotal" ("userId", "scope", "period", "start", "points", "lastEarnedAt")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("userId", "scope", "period", "start") DO UPDATE SET
      "points" = "PointsPeriodTotal"."points" + excluded."points",
      "lastEarnedAt" = CASE WHEN excluded."lastEarnedAt" > "PointsPeriodTotal"."lastEarnedAt" THEN excluded."lastEarnedAt" ELSE "PointsPeriodTotal"."lastEarnedAt" END`;
}

/**
 * Recomputes every period total from the ledger, for data written around appendPoints (the demo
 * workspace, benchmark fixtures). The migration that added the table ran the same statement.
 */
export async function rebuildPeriodTotals(db: Pick<Db, "$executeRawUnsafe">, dialect: Dialect) {
  await db.$executeRawUnsafe(`DELETE FROM "PointsPeriodTotal"`);
  await db.$executeRawUnsafe(periodTotalsFromLedgerSql(dialect));
}

/** INSERT ... SELECT of every (user, scope, period, start) total from "PointsEntry". */
export function periodTotalsFromLedgerSql(dialect: Dialect) {
  const o = `e."occurredAt"`;
  const sqliteDay = (date: string) => `CAST(julianday(${date}) - 2440587.5 AS INTEGER)`;
  const pgDay = (unit: string) => `(date_trunc('${unit}', ${o})::date - DATE '1970-01-01')`;
  const start =
    dialect === "sqlite"
      ? `CASE p."period"
           WHEN 'WEEK' THEN ${sqliteDay(`date(substr(${o}, 1, 10), 'weekday 0', '-6 days')`)}
           WHEN 'MONTH' THEN ${sqliteDay(`substr(${o}, 1, 7) || '-01'`)}
           WHEN 'QUARTER' THEN ${sqliteDay(`substr(${o}, 1, 5) || printf('%02d', ((CAST(substr(${o}, 6, 2) AS INTEGER) - 1) / 3) * 3 + 1) || '-01'`)}
           ELSE ${sqliteDay(`substr(${o}, 1, 4) || '-01-01'`)} END`
      : `CASE p."period" WHEN 'WEEK' THEN ${pgDay("week")} WHEN 'MONTH' THEN ${pgDay("month")} WHEN 'QUARTER' THEN ${pgDay("quarter")} ELSE ${pgDay("year")} END`;
  return `INSERT INTO "PointsPeriodTotal" ("userId", "scope", "period", "start", "points", "lastEarnedAt")
    WITH periods("period") AS (VALUES ${TOTALLED_PERIODS.map((p) => `('${p}')`).join(", ")}),
    entries AS (
      SELECT "userId", '' AS "scope", "points", "occurredAt" FROM "PointsEntry"
      UNION ALL
      SELECT "userId", "programId" AS "scope", "points", "occurredAt" FROM "PointsEntry" WHERE "programId" IS NOT NULL)
    SELECT e."userId", e."scope", p."period", ${start}, SUM(e."points"), MAX(e."occurredAt")
    FROM entries e CROSS JOIN periods p
    GROUP BY 1, 2, 3, 4`;
}
