// Workspace engagement metrics, set-based SQL over the rollups (UserDay, UsageDaily), never raw
// events. Definitions: DESIGN.md "Metrics". The same statements run on SQLite and PostgreSQL.
import type { Db } from "../../db.ts";
import type { Feature } from "../../gen/sqlite/client.ts";
import { powerUserThreshold, windowEnding } from "./window.ts";

export interface Engagement {
  dau: number;
  wau: number;
  mau: number;
  /** Mean daily active users over the 30-day window / mau; 0 when mau is 0. */
  stickiness: number;
}

type Num = number | bigint | null;
const num = (v: Num | string) => Number(v ?? 0);

export async function engagement(db: Db, asOf: number): Promise<Engagement> {
  const month = windowEnding(asOf, 30);
  const [row] = await db.$queryRaw<{ dau: Num; wau: Num; mau: Num; userDays: Num }[]>`
    SELECT COUNT(DISTINCT CASE WHEN "day" = ${asOf} THEN "userId" END) AS "dau",
           COUNT(DISTINCT CASE WHEN "day" >= ${asOf - 6} THEN "userId" END) AS "wau",
           COUNT(DISTINCT "userId") AS "mau",
           COUNT(*) AS "userDays"
    FROM "UserDay" WHERE "day" BETWEEN ${month.from} AND ${month.to}`;
  return toEngagement(row!);
}

function toEngagement(row: { dau: Num; wau: Num; mau: Num; userDays: Num }): Engagement {
  const mau = num(row.mau);
  // Each UserDay row is one user active on one day, so their count / 30 is the mean DAU.
  return { dau: num(row.dau), wau: num(row.wau), mau, stickiness: mau === 0 ? 0 : num(row.userDays) / 30 / mau };
}

export interface EngagementDay extends Engagement {
  day: number;
}

/** One row per day from..to (inclusive), each with its own 1-, 7- and 30-day windows. */
export async function engagementSeries(db: Db, from: number, to: number): Promise<EngagementDay[]> {
  const rows = await db.$queryRaw<{ day: Num; dau: Num; wau: Num; mau: Num; userDays: Num }[]>`
    WITH RECURSIVE "days"("day") AS (
      SELECT CAST(${from} AS INTEGER) UNION ALL SELECT "day" + 1 FROM "days" WHERE "day" < CAST(${to} AS INTEGER)
    )
    SELECT d."day" AS "day",
           COUNT(DISTINCT CASE WHEN u."day" = d."day" THEN u."userId" END) AS "dau",
           COUNT(DISTINCT CASE WHEN u."day" >= d."day" - 6 THEN u."userId" END) AS "wau",
           COUNT(DISTINCT u."userId") AS "mau",
           COUNT(u."userId") AS "userDays"
    FROM "days" d LEFT JOIN "UserDay" u ON u."day" BETWEEN d."day" - 29 AND d."day"
    GROUP BY d."day" ORDER BY d."day"`;
  return rows.map((r) => ({ day: num(r.day), ...toEngagement(r) }));
}

export interface PowerUserCurve {
  windowDays: number;
  /** One bucket for every k in 1..windowDays, zeros included. */
  buckets: { activeDays: number; users: number }[];
}

export async function powerUserCurve(db: Db, asOf: number, windowDays: number): Promise<PowerUserCurve> {
  const w = windowEnding(asOf, windowDays);
  const rows = await db.$queryRaw<{ activeDays: Num; users: Num }[]>`
    SELECT a."n" AS "activeDays", COUNT(*) AS "users"
    FROM (SELECT "userId", COUNT(*) AS "n" FROM "UserDay" WHERE "day" BETWEEN ${w.from} AND ${w.to} GROUP BY "userId") a
    GROUP BY a."n"`;
  const users = new Map(rows.map((r) => [num(r.activeDays), num(r.users)]));
  return {
    windowDays,
    buckets: Array.from({ length: windowDays }, (_, i) => ({ activeDays: i + 1, users: users.get(i + 1) ?? 0 })),
  };
}

export interface FeatureAdoption {
  feature: Feature;
  /** Distinct users of the feature in the window. */
  users: number;
  /** users / users active in the window (0 when nobody was active). */
  share: number;
  /** Power users of the feature / power users of the window (0 when there are none). */
  powerUserShare: number;
}

export async function featureAdoption(db: Db, asOf: number, windowDays: number) {
  const w = windowEnding(asOf, windowDays);
  const threshold = powerUserThreshold(windowDays);
  const [totals] = await db.$queryRaw<{ active: Num; power: Num }[]>`
    SELECT COUNT(*) AS "active", COALESCE(SUM(CASE WHEN a."n" >= ${threshold} THEN 1 ELSE 0 END), 0) AS "power"
    FROM (SELECT "userId", COUNT(*) AS "n" FROM "UserDay" WHERE "day" BETWEEN ${w.from} AND ${w.to} GROUP BY "userId") a`;
  const rows = await db.$queryRaw<{ featureId: string; users: Num; powerUsers: Num }[]>`
    WITH "active" AS (
      SELECT "userId", COUNT(*) AS "n" FROM "UserDay" WHERE "day" BETWEEN ${w.from} AND ${w.to} GROUP BY "userId"
    ), "used" AS (
      SELECT DISTINCT "featureId", "userId" FROM "UsageDaily" WHERE "day" BETWEEN ${w.from} AND ${w.to}
    )
    SELECT u."featureId" AS "featureId", COUNT(*) AS "users",
           SUM(CASE WHEN a."n" >= ${threshold} THEN 1 ELSE 0 END) AS "powerUsers"
    FROM "used" u JOIN "active" a ON a."userId" = u."userId"
    GROUP BY u."featureId"`;
  const features = await db.feature.findMany({ orderBy: { key: "asc" } });
  const byFeature = new Map(rows.map((r) => [r.featureId, r]));
  const active = num(totals!.active);
  const power = num(totals!.power);
  const result: FeatureAdoption[] = features.map((feature) => {
    const r = byFeature.get(feature.id);
    const users = num(r?.users ?? 0);
    const powerUsers = num(r?.powerUsers ?? 0);
    return { feature, users, share: active === 0 ? 0 : users / active, powerUserShare: power === 0 ? 0 : powerUsers / power };
  });
  result.sort((a, b) => b.users - a.users || (a.feature.key < b.feature.key ? -1 : 1));
  return { windowDays, activeUsers: active, powerUsers: power, powerUserMinDays: threshold, features: result };
}

