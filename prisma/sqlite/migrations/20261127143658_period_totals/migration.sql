-- CreateTable
CREATE TABLE "PointsPeriodTotal" (
    "userId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "start" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "lastEarnedAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "scope", "period", "start"),
    CONSTRAINT "PointsPeriodTotal_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "PointsPeriodTotal_scope_period_start_points_lastEarnedAt_idx" ON "PointsPeriodTotal"("scope", "period", "start", "points", "lastEarnedAt");


-- Backfill from the ledger (api/domain/points.ts, periodTotalsFromLedgerSql)
INSERT INTO "PointsPeriodTotal" ("userId", "scope", "period", "start", "points", "lastEarnedAt")
    WITH periods("period") AS (VALUES ('WEEK'), ('MONTH'), ('QUARTER'), ('YEAR')),
    entries AS (
      SELECT "userId", '' AS "scope", "points", "occurredAt" FROM "PointsEntry"
      UNION ALL
      SELECT "userId", "programId" AS "scope", "points", "occurredAt" FROM "PointsEntry" WHERE "programId" IS NOT NULL)
    SELECT e."userId", e."scope", p."period", CASE p."period"
           WHEN 'WEEK' THEN CAST(julianday(date(substr(e."occurredAt", 1, 10), 'weekday 0', '-6 days')) - 2440587.5 AS INTEGER)
           WHEN 'MONTH' THEN CAST(julianday(substr(e."occurredAt", 1, 7) || '-01') - 2440587.5 AS INTEGER)
           WHEN 'QUARTER' THEN CAST(julianday(substr(e."occurredAt", 1, 5) || printf('%02d', ((CAST(substr(e."occurredAt", 6, 2) AS INTEGER) - 1) / 3) * 3 + 1) || '-01') - 2440587.5 AS INTEGER)
           ELSE CAST(julianday(substr(e."occurredAt", 1, 4) || '-01-01') - 2440587.5 AS INTEGER) END, SUM(e."points"), MAX(e."occurredAt")
    FROM entries e CROSS JOIN periods p
    GROUP BY 1, 2, 3, 4;
