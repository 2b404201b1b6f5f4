// Badges: awarded by a threshold rule (points or contribution counts) or by hand.
// Rules are re-evaluated whenever a member's approved contributions or points change,
// inside the same transaction, so an award never lags the points that earned it.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Prisma } from "../../db.ts";
import type { Badge, ContributionKind } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { emitEvent } from "../events.ts";
import { WORKSPACE_SCOPE } from "../points.ts";
import { CONTRIBUTION_KINDS } from "./rules.ts";
import { evaluateCriteria, evaluateCriteriaForUsers, parseCriteria, type Criteria } from "../criteria/index.ts";
import { dayOf } from "../days.ts";
import { sqlTime, type Db, type Dialect } from "../../db.ts";
import { registerJob } from "../../jobs.ts";
import { boardsChanged } from "../board-changes.ts";
import type { Tx, WriteContext } from "./shared.ts";

export const badgeRuleSchema = z
  .object({
    points: z.object({ gte: z.number().int().min(1).max(100_000_000) }).strict().optional(),
    contributions: z
      .object({ kind: z.enum(CONTRIBUTION_KINDS).optional(), gte: z.number().int().min(1).max(1_000_000) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.points || r.contributions, "a rule needs `points` or `contributions`");

export type BadgeRule = z.infer<typeof badgeRuleSchema>;

/** A stored rule is a threshold or a criteria tree (the programs' engine: usage, attributes, tiers...). */
type StoredRule = { threshold: BadgeRule } | { criteria: Criteria };

export function isCriteriaJson(rule: unknown) {
  return typeof rule === "object" && rule !== null && ("all" in rule || "any" in rule || "metric" in rule);
}

function ruleOf(badge: Pick<Badge, "rule">): StoredRule | null {
  if (isCriteriaJson(badge.rule)) {
    try {
      const criteria = parseCriteria(badge.rule);
      return criteria ? { criteria } : null;
    } catch {
      return null;
    }
  }
  const parsed = badgeRuleSchema.safeParse(badge.rule);
  return parsed.success ? { threshold: parsed.data } : null;
}

async function meetsStoredRule(tx: Tx, dialect: Dialect, badge: Pick<Badge, "programId">, rule: StoredRule, userId: string) {
  if ("threshold" in rule) return meetsRule(tx, badge, rule.threshold, userId);
  const explanation = await evaluateCriteria(tx as never, dialect, userId, rule.criteria, { asOfDay: dayOf(new Date()), programId: badge.programId });
  return explanation.passed;
}

/** Does this user meet the rule now? Every part of the rule must hold. */
async function meetsRule(tx: Tx, badge: Pick<Badge, "programId">, rule: BadgeRule, userId: string) {
  if (rule.points) {
    const total = await tx.pointsTotal.findUnique({
      where: { userId_scope: { userId, scope: badge.programId ?? WORKSPACE_SCOPE } },
      select: { points: true },
    });
    if ((total?.points ?? 0) < rule.points.gte) return false;
  }
  if (rule.contributions) {
    const count = await tx.contribution.count({
      where: {
        userId,
        status: "APPROVED",
        ...(rule.contributions.kind ? { kind: rule.contributions.kind as ContributionKind } : {}),
        ...(badge.programId ? { programId: badge.programId } : {}),
      },
    });
    if (count < rule.contributions.gte) return false;
  }
  return true;
}

/**
 * Award in one statement that tolerates a concurrent award of the same badge
 * (ON CONFLICT DO NOTHING), so racing writers never abort each other's transaction.
 * Returns the new award, or null when the person already had one (active or revoked).
 */
async function insertAward(tx: Tx, dialect: Dialect, badgeId: string, userId: string, reason: string | null, awardedBy: string | null) {
  const id = randomUUID();
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    INSERT INTO "BadgeAward" ("id", "badgeId", "userId", "reason", "awardedBy", "awardedAt")
    VALUES (${id}, ${badgeId}, ${userId}, ${reason}, ${awardedBy}, ${sqlTime(dialect, new Date())})
    ON CONFLICT ("badgeId", "userId") DO NOTHING RETURNING "id"`);
  if (rows.length === 0) return null;
  return tx.badgeAward.findUniqueOrThrow({ where: { id } });
}

async function announceAward(tx: Tx, badge: Badge, award: { id: string; userId: string; awardedAt: Date; reason: string | null }) {
  await tx.recognitionEvent.create({
    data: {
      kind: "BADGE_AWARDED",
      userId: award.userId,
      programId: badge.programId,
      badgeAwardId: award.id,
      message: badge.title ? `earned the ${badge.name} badge and the title ${badge.title}` : `earned the ${badge.name} badge`,
      occurredAt: award.awardedAt,
    },
  });
  const user = await tx.user.findUniqueOrThrow({ where: { id: award.userId }, select: { externalId: true } });
  await emitEvent(tx, "badge.awarded", {
    badge: { slug: badge.slug, name: badge.name, title: badge.title },
    userId: user.externalId,
    awardId: award.id,
    reason: award.reason,
  });
}

/** Why a rule's award was taken back; such an award is one the rule gives again once it holds. */
export const RULE_LAPSED = "Rule no longer met";

/** Re-check every rule badge that could apply to this user (workspace badges and the program's). */
export async function evaluateRuleBadges(tx: Tx, dialect: Dialect, userId: string, programId: string | null) {
  const badges = await tx.badge.findMany({
    where: {
      archivedAt: null,
      NOT: { rule: { equals: Prisma.DbNull } },
      OR: [{ programId: null }, ...(programId ? [{ programId }] : [])],
      // No award held, and none revoked by hand (a hand revocation sticks).
      awards: { none: { userId, OR: [{ revokedAt: null }, { NOT: { revokedReason: { startsWith: RULE_LAPSED } } }] } },
    },
  });
  const awarded = [];
  for (const badge of badges) {
    const rule = ruleOf(badge);
    if (!rule || !(await meetsStoredRule(tx, dialect, badge, rule, userId))) continue;
    const award = (await insertAward(tx, dialect, badge.id, userId, "Rule met", null)) ?? (await reinstateLapsedAward(tx, badge.id, userId));
    if (!award) continue;
    await announceAward(tx, badge, award);
    awarded.push(award);
  }
  return awarded;
}

async function reinstateLapsedAward(tx: Tx, badgeId: string, userId: string) {
  const { count } = await tx.badgeAward.updateMany({
    where: { badgeId, userId, revokedAt: { not: null }, revokedReason: { startsWith: RULE_LAPSED } },
    data: { revokedAt: null, revokedReason: null, reason: "Rule met", awardedAt: new Date() },
  });
  return count === 0 ? null : tx.badgeAward.findUniqueOrThrow({ where: { badgeId_userId: { badgeId, userId } } });
}

/**
 * After a person's points or approved contributions went down (a rejected contribution's
 * reversal), threshold badges their rule gave them and they no longer meet are revoked, audited.
 * Hand awards stay. Criteria badges stay too: their usage windows move every day, and the award
 * records having met them (the badges.evaluate job only ever adds).
 */
export async function revokeLapsedRuleBadges(tx: Tx, w: WriteContext, userId: string, programId: string | null, why: string) {
  const awards = await tx.badgeAward.findMany({
    where: {
      userId,
      revokedAt: null,
      awardedBy: null,
      badge: { archivedAt: null, NOT: { rule: { equals: Prisma.DbNull } }, OR: [{ programId: null }, ...(programId ? [{ programId }] : [])] },
    },
    include: { badge: true },
  });
  const revoked = [];
  for (const { badge, ...award } of awards) {
    const rule = ruleOf(badge);
    if (!rule || !("threshold" in rule) || (await meetsRule(tx, badge, rule.threshold, userId))) continue;
    const reason = `${RULE_LAPSED}: ${why}`;
    const after = await tx.badgeAward.update({ where: { id: award.id }, data: { revokedAt: new Date(), revokedReason: reason } });
    await recordAudit(tx, w.caller, w.requestId, { action: "badge.revoke", targetType: "BadgeAward", targetId: award.id, before: award, after, reason });
    revoked.push(after);
  }
  return revoked;
}

/** Everyone who meets a badge's rule now and has no award yet gets one (after creating a badge, or on demand). */
export async function evaluateBadgeForEveryone(tx: Tx, dialect: Dialect, badge: Badge) {
  const stored = ruleOf(badge);
  if (!stored) return 0;
  const candidates = new Set<string>();
  if ("criteria" in stored) {
    // Criteria can hinge on usage, so everyone is a candidate; evaluated in batches, one statement each.
    const holders = new Set((await tx.badgeAward.findMany({ where: { badgeId: badge.id }, select: { userId: true } })).map((a) => a.userId));
    let cursor: string | undefined;
    for (;;) {
      const batch = await tx.user.findMany({ where: { erasedAt: null }, select: { id: true }, orderBy: { id: "asc" }, take: 1000, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1]!.id;
      const ids = batch.map((u) => u.id).filter((id) => !holders.has(id));
      const explained = await evaluateCriteriaForUsers(tx as never, dialect, ids, stored.criteria, { asOfDay: dayOf(new Date()), programId: badge.programId });
      for (const [id, e] of explained) if (e.passed) candidates.add(id);
    }
  } else {
    const rule = stored.threshold;
    if (rule.points) {
      const rows = await tx.pointsTotal.findMany({
        where: { scope: badge.programId ?? WORKSPACE_SCOPE, points: { gte: rule.points.gte } },
        select: { userId: true },
      });
      for (const r of rows) candidates.add(r.userId);
    } else if (rule.contributions) {
      const rows = await tx.contribution.groupBy({
        by: ["userId"],
        where: {
          status: "APPROVED",
          ...(rule.contributions.kind ? { kind: rule.contributions.kind as ContributionKind } : {}),
          ...(badge.programId ? { programId: badge.programId } : {}),
        },
        _count: { _all: true },
      });
      for (const r of rows) if (r._count._all >= rule.contributions.gte) candidates.add(r.userId);
    }
  }
  let count = 0;
  for (const userId of candidates) {
    if ("threshold" in stored && !(await meetsRule(tx, badge, stored.threshold, userId))) continue;
    const award = await insertAward(tx, dialect, badge.id, userId, "Rule met", null);
    if (!award) continue;
    await announceAward(tx, badge, award);
    count++;
  }
  return count;
}

export interface CreateBadgeInput {
  slug: string;
  name: string;
  description?: string | null;
  title?: string | null;
  icon?: string | null;
  programId?: string | null;
  rule?: BadgeRule | null;
  criteria?: Criteria | null;
}

export async function createBadge(w: WriteContext, input: CreateBadgeInput) {
  return w.db.$transaction(async (tx) => {
    if (input.programId && !(await tx.program.findUnique({ where: { id: input.programId }, select: { id: true } }))) {
      throw new NotFoundError("Program", input.programId);
    }
    if (await tx.badge.findUnique({ where: { slug: input.slug }, select: { id: true } })) {
      throw new ConflictError(`a badge with slug ${JSON.stringify(input.slug)} already exists`, "input.slug");
    }
    const badge = await tx.badge.create({
      data: {
        slug: input.slug,
        name: input.name,
        description: input.description ?? null,
        title: input.title ?? null,
        icon: input.icon ?? null,
        programId: input.programId ?? null,
        rule: input.criteria ? (input.criteria as unknown as Prisma.InputJsonValue) : input.rule ? (input.rule as Prisma.InputJsonValue) : Prisma.DbNull,
      },
    });
    await recordAudit(tx, w.caller, w.requestId, { action: "badge.create", targetType: "Badge", targetId: badge.id, after: badge });
    const awarded = await evaluateBadgeForEveryone(tx, w.dialect, badge);
    return { badge, awarded };
  }, { timeout: 60_000 });
}

async function badgeAndUser(tx: Tx, badgeId: string, externalId: string) {
  const badge = await tx.badge.findUnique({ where: { id: badgeId } });
  if (!badge) throw new NotFoundError("Badge", badgeId);
  const user = await tx.user.findUnique({ where: { externalId } });
  if (!user) throw new NotFoundError("User", externalId);
  return { badge, user };
}

/** Award by hand; a revoked award is restored (with the new reason). */
export async function awardBadge(w: WriteContext, input: { badgeId: string; userId: string; reason: string }) {
  return w.db.$transaction(async (tx) => {
    const { badge, user } = await badgeAndUser(tx, input.badgeId, input.userId);
    if (badge.archivedAt) throw new ConflictError("the badge is archived", "input.badgeId");
    const existing = await tx.badgeAward.findUnique({ where: { badgeId_userId: { badgeId: badge.id, userId: user.id } } });
    if (existing && !existing.revokedAt) throw new ConflictError(`${input.userId} already holds this badge`, "input.userId");
    const award = existing
      ? await tx.badgeAward.update({
          where: { id: existing.id },
          data: { revokedAt: null, revokedReason: null, reason: input.reason, awardedBy: w.caller.actor, awardedAt: new Date() },
        })
      : await insertAward(tx, w.dialect, badge.id, user.id, input.reason, w.caller.actor);
    if (!award) throw new ConflictError(`${input.userId} already holds this badge`, "input.userId");
    await announceAward(tx, badge, award);
    await recordAudit(tx, w.caller, w.requestId, { action: "badge.award", targetType: "BadgeAward", targetId: award.id, before: existing, after: award, reason: input.reason });
    return award;
  });
}

/** Revoking keeps the row (so rules do not hand it straight back) and records why. */
export async function revokeBadge(w: WriteContext, input: { badgeId: string; userId: string; reason: string }) {
  return w.db.$transaction(async (tx) => {
    const { badge, user } = await badgeAndUser(tx, input.badgeId, input.userId);
    const existing = await tx.badgeAward.findUnique({ where: { badgeId_userId: { badgeId: badge.id, userId: user.id } } });
    if (!existing || existing.revokedAt) throw new NotFoundError("BadgeAward", `${badge.slug}/${input.userId}`);
    const award = await tx.badgeAward.update({ where: { id: existing.id }, data: { revokedAt: new Date(), revokedReason: input.reason } });
    await recordAudit(tx, w.caller, w.requestId, { action: "badge.revoke", targetType: "BadgeAward", targetId: award.id, before: existing, after: award, reason: input.reason });
    return award;
  });
}

export function assertRule(rule: unknown): BadgeRule | null {
  if (rule === null || rule === undefined) return null;
  const parsed = badgeRuleSchema.safeParse(rule);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: ["input", "rule", ...i.path.map(String)].join("."), message: i.message })));
  return parsed.data;
}

/**
 * Criteria badges can hinge on usage, which changes without any contribution: this job
 * re-checks them for everyone on an interval (threshold badges are kept current by the writes).
 */
export async function evaluateCriteriaBadges(db: Db, dialect: Dialect) {
  const badges = await db.badge.findMany({ where: { archivedAt: null, NOT: { rule: { equals: Prisma.DbNull } } } });
  let awarded = 0;
  for (const badge of badges) {
    if (!isCriteriaJson(badge.rule)) continue;
    awarded += await db.$transaction((tx) => evaluateBadgeForEveryone(tx, dialect, badge), { maxWait: 15_000, timeout: 120_000 });
  }
  // Titles show on boards; this runs from a job, outside any mutation that would say so.
  if (awarded > 0) boardsChanged(db);
  return awarded;
}

registerJob({ name: "badges.evaluate", intervalMs: 60 * 60_000, run: async ({ db, dialect }) => void (await evaluateCriteriaBadges(db, dialect)) });
