-- CreateTable
CREATE TABLE "PointsPeriodTotal" (
    "userId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "start" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "lastEarnedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PointsPeriodTotal_pkey" PRIMARY KEY ("userId","scope","period","start")
);

-- CreateIndex
CREATE INDEX "PointsPeriodTotal_scope_period_start_points_lastEarnedAt_idx" ON "PointsPeriodTotal"("scope", "period", "start", "points", "lastEarnedAt");

-- AddForeignKey
ALTER TABLE "PointsPeriodTotal" ADD CONSTRAINT "PointsPeriodTotal_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill from the ledger (api/domain/points.ts, periodTotalsFromLedgerSql)
INSERT INTO "PointsPeriodTotal" ("userId", "scope", "period", "start", "points", "lastEarnedAt")
    WITH periods("period") AS (VALUES ('WEEK'), ('MONTH'), ('QUARTER'), ('YEAR')),
    entries AS (
      SELECT "userId", '' AS "scope", "points", "occurredAt" FROM "PointsEntry"
      UNION ALL
      SELECT "userId", "programId" AS "scope", "points", "occurredAt" FROM "PointsEntry" WHERE "programId" IS NOT NULL)
    SELECT e."userId", e."scope", p."period", CASE p."period" WHEN 'WEEK' THEN (date_trunc('week', e."occurredAt")::date - DATE '1970-01-01') WHEN 'MONTH' THEN (date_trunc('month', e."occurredAt")::date - DATE '1970-01-01') WHEN 'QUARTER' THEN (date_trunc('quarter', e."occurredAt")::date - DATE '1970-01-01') ELSE (date_trunc('year', e."occurredAt")::date - DATE '1970-01-01') END, SUM(e."points"), MAX(e."occurredAt")
    FROM entries e CROSS JOIN periods p
    GROUP BY 1, 2, 3, 4;
