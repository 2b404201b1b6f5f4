// Default points per contribution kind: the PointsRule table, falling back to these values
// for kinds nobody configured, so a fresh workspace already awards sensible points.
import type { ContributionKind } from "../../gen/sqlite/client.ts";
import type { Caller } from "../../context.ts";
import type { Db } from "../../db.ts";
import { recordAudit } from "../audit.ts";
import type { Tx } from "./shared.ts";

export const CONTRIBUTION_KINDS = [
  "ANSWER", "REVIEW", "REFERRAL", "CASE_STUDY", "DEMO", "TALK", "FEEDBACK", "BUG_REPORT", "CONTENT", "MENTORING", "EVENT",
] as const satisfies readonly ContributionKind[];

export const FALLBACK_POINTS: Record<ContributionKind, number> = {
  ANSWER: 10, REVIEW: 15, REFERRAL: 50, CASE_STUDY: 100, DEMO: 40, TALK: 75,
  FEEDBACK: 5, BUG_REPORT: 10, CONTENT: 30, MENTORING: 25, EVENT: 20,
};

export async function defaultPoints(tx: Pick<Tx, "pointsRule">, kind: ContributionKind) {
  const rule = await tx.pointsRule.findUnique({ where: { kind } });
  return rule?.points ?? FALLBACK_POINTS[kind];
}

export async function listPointsRules(db: Pick<Db, "pointsRule">) {
  const rows = await db.pointsRule.findMany();
  const configured = new Map(rows.map((r) => [r.kind, r.points]));
  return CONTRIBUTION_KINDS.map((kind) => ({
    kind,
    points: configured.get(kind) ?? FALLBACK_POINTS[kind],
    configured: configured.has(kind),
  }));
}

export async function setPointsRule(db: Db, caller: Caller, requestId: string, kind: ContributionKind, points: number) {
  return db.$transaction(async (tx) => {
    const before = await tx.pointsRule.findUnique({ where: { kind } });
    const rule = await tx.pointsRule.upsert({ where: { kind }, create: { kind, points }, update: { points } });
    await recordAudit(tx, caller, requestId, { action: "pointsRule.set", targetType: "PointsRule", targetId: kind, before, after: rule });
    return { kind, points, configured: true };
  });
}
