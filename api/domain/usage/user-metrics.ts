// Per-user usage over a window, for many users in three set-based statements (DataLoader-friendly).
// Reusable by criteria, candidates and invitations: everything reads rollups, never raw events.
import { Prisma, type Db } from "../../db.ts";
import { windowEnding } from "./window.ts";

export interface UserUsage {
  /** Distinct UTC days with any activity in the window. */
  activeDays: number;
  /** Distinct features used in the window. */
  featureBreadth: number;
  /** Distinct features marked advanced used in the window. */
  advancedFeatures: number;
  /** Sessions summed over the window's days (a session spanning midnight counts on both days). */
  sessions: number;
  events: number;
  lastActiveAt: Date | null;
}

export const EMPTY_USAGE: Omit<UserUsage, "lastActiveAt"> = { activeDays: 0, featureBreadth: 0, advancedFeatures: 0, sessions: 0, events: 0 };

type Num = number | bigint | null;

/** Usage per user id (our ids, not externalIds) in the window of `windowDays` ending on `asOf`. */
export async function userUsageMetrics(db: Db, userIds: readonly string[], asOf: number, windowDays: number): Promise<Map<string, UserUsage>> {
  const result = new Map<string, UserUsage>();
  if (userIds.length === 0) return result;
  const w = windowEnding(asOf, windowDays);
  const ids = Prisma.join([...new Set(userIds)]);
  const [days, features, users] = await Promise.all([
    db.$queryRaw<{ userId: string; activeDays: Num; sessions: Num; events: Num }[]>`
      SELECT "userId", COUNT(*) AS "activeDays", SUM("sessions") AS "sessions", SUM("events") AS "events"
      FROM "UserDay" WHERE "userId" IN (${ids}) AND "day" BETWEEN ${w.from} AND ${w.to} GROUP BY "userId"`,
    db.$queryRaw<{ userId: string; breadth: Num; advanced: Num }[]>`
      SELECT d."userId", COUNT(DISTINCT d."featureId") AS "breadth",
             COUNT(DISTINCT CASE WHEN f."advanced" THEN d."featureId" END) AS "advanced"
      FROM "UsageDaily" d JOIN "Feature" f ON f."id" = d."featureId"
      WHERE d."userId" IN (${ids}) AND d."day" BETWEEN ${w.from} AND ${w.to} GROUP BY d."userId"`,
    db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, lastActiveAt: true } }),
  ]);
  for (const u of users) result.set(u.id, { ...EMPTY_USAGE, lastActiveAt: u.lastActiveAt });
  for (const d of days) {
    const r = result.get(d.userId);
    if (r) Object.assign(r, { activeDays: Number(d.activeDays ?? 0), sessions: Number(d.sessions ?? 0), events: Number(d.events ?? 0) });
  }
  for (const f of features) {
    const r = result.get(f.userId);
    if (r) Object.assign(r, { featureBreadth: Number(f.breadth ?? 0), advancedFeatures: Number(f.advanced ?? 0) });
  }
  return result;
}
