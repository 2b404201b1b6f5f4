// Small, explicit usage/points/contribution fixtures written straight into the rollups,
// for tests of criteria, candidates and tiers.
import type { Db } from "../../api/db.ts";
import { startOfDay } from "../../api/domain/days.ts";

export async function ensureFeatures(db: Db, count = 8, advancedFrom = 6) {
  for (let i = 1; i <= count; i++) {
    await db.feature.upsert({ where: { key: `f${i}` }, update: {}, create: { id: `feat-${i}`, key: `f${i}`, name: `Feature ${i}`, advanced: i >= advancedFrom } });
  }
}

/** Active on each given day with `sessions` sessions, using the given features (ids feat-N). */
export async function addActivity(db: Db, userId: string, days: number[], features: number[] = [1], sessions = 1) {
  for (const day of days) {
    await db.userDay.create({ data: { userId, day, events: features.length, sessions } });
    for (const f of features) await db.usageDaily.create({ data: { userId, day, featureId: `feat-${f}`, events: 1, sessions: 1 } });
  }
}

export const at = (day: number, hour = 12) => new Date(startOfDay(day).getTime() + hour * 3_600_000);

export async function addPoints(db: Db, userId: string, points: number, day: number, programId: string | null = null) {
  await db.pointsEntry.create({ data: { userId, points, reason: "ADJUSTMENT", occurredAt: at(day), programId } });
}

let seq = 0;
export async function addContribution(db: Db, userId: string, kind: "ANSWER" | "REVIEW" | "TALK", day: number, status: "APPROVED" | "PENDING" = "APPROVED") {
  seq++;
  await db.contribution.create({ data: { externalId: `c-${userId}-${seq}-${Math.random()}`, userId, kind, points: 10, status, occurredAt: at(day) } });
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
