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

/**
 * One row per day from..to (inclusive), each with its own 1-, 7- and 30-day windows, in one pass
 * over the rollups rather than one 30-day scan per day. Each active day `a` of a person covers
 * the days [a, min(a + W - 1, next active day - 1)] of a W-day window; these intervals do not
 * overlap, so "active in the window ending on d" is "d lies in one of their intervals", and the
 * distinct count on d is (intervals started by d) - (intervals ended before d).
 */
export async function engagementSeries(db: Db, from: number, to: number): Promise<EngagementDay[]> {
  const first = from - 29;
  const [starts, ends] = await Promise.all([
    db.$queryRaw<{ day: Num; n: Num }[]>`
      SELECT "day", COUNT(*) AS "n" FROM "UserDay" WHERE "day" BETWEEN ${first} AND ${to} GROUP BY "day"`,
    db.$queryRaw<{ w: Num; day: Num; n: Num }[]>`
      WITH "u" AS (
        SELECT "day", LEAD("day") OVER (PARTITION BY "userId" ORDER BY "day") AS "next"
        FROM "UserDay" WHERE "day" BETWEEN ${first} AND ${to}
      )
      SELECT 7 AS "w", CASE WHEN "next" IS NULL OR "next" > "day" + 6 THEN "day" + 6 ELSE "next" - 1 END AS "day", COUNT(*) AS "n"
      FROM "u" GROUP BY 2
      UNION ALL
      SELECT 30 AS "w", CASE WHEN "next" IS NULL OR "next" > "day" + 29 THEN "day" + 29 ELSE "next" - 1 END AS "day", COUNT(*) AS "n"
      FROM "u" GROUP BY 2`,
  ]);
  const length = to - first + 1;
  const started = new Array<number>(length).fill(0);
  const ended7 = new Array<number>(length).fill(0);
  const ended30 = new Array<number>(length).fill(0);
  for (const r of starts) started[num(r.day) - first] = num(r.n);
  for (const r of ends) {
    const i = num(r.day) - first;
    if (i < length) (num(r.w) === 7 ? ended7 : ended30)[i]! += num(r.n);
  }
  const series: EngagementDay[] = [];
  let startedSoFar = 0;
  let ended7Before = 0;
  let ended30Before = 0;
  let userDays = 0;
  for (let i = 0; i < length; i++) {
    startedSoFar += started[i]!;
    userDays += started[i]! - (i >= 30 ? started[i - 30]! : 0);
    if (i >= 29) {
      const wau = startedSoFar - ended7Before;
      const mau = startedSoFar - ended30Before;
      series.push({ day: first + i, dau: started[i]!, wau, mau, stickiness: mau === 0 ? 0 : userDays / 30 / mau });
    }
    ended7Before += ended7[i]!;
    ended30Before += ended30[i]!;
  }
  return series;
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

