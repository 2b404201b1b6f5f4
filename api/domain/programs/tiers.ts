// Tiers: ordered levels inside a program. Evaluation promotes at once and demotes only after
// the program's grace period (counted from Membership.belowTierSince); every change is kept
// in TierChange with its reason. Members never drop below the entry (lowest) tier.
import type { Caller } from "../../context.ts";
import type { Db, Dialect } from "../../db.ts";
import type { Prisma as P, Tier } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { dayOf } from "../days.ts";
import { emitEvent } from "../events.ts";
import { registerJob } from "../../jobs.ts";
import { criteriaToJson, evaluateCriteria, evaluateCriteriaForPopulation, parseCriteria, type Criteria, type Explanation } from "../criteria/index.ts";
import { checkCriteriaReferences } from "./programs.ts";
import { Prisma } from "../../db.ts";

type Tx = P.TransactionClient;
const DAY_MS = 86_400_000;

export async function tiersOf(db: Db | Tx, programId: string) {
  return db.tier.findMany({ where: { programId }, orderBy: { rank: "asc" } });
}

/** The highest tier whose criteria the user meets, else the entry tier; null when the program has no tiers. */
export async function entryTierFor(tx: Tx | Db, dialect: Dialect, programId: string, userId: string): Promise<Tier | null> {
  const tiers = await tiersOf(tx, programId);
  for (const tier of [...tiers].reverse()) {
    const criteria = parseCriteria(tier.criteria);
    if (!criteria) return tier;
    const e = await evaluateCriteria(tx as Db, dialect, userId, criteria, { asOfDay: dayOf(new Date()), programId });
    if (e.passed) return tier;
  }
  return tiers[0] ?? null;
}

const summary = (e: Explanation) => e.conditions.map((c) => c.label).join("; ");

export interface TierEvaluation {
  promoted: number;
  demoted: number;
  /** Members below their tier's criteria but still inside the grace period. */
  inGrace: number;
  unchanged: number;
  changes: string[];
}

/**
 * Evaluates every active member of a program against every tier: one criteria query per tier
 * over all members (set-based), then one small write per member whose tier changes.
 */
export async function evaluateTiers(db: Db, dialect: Dialect, programId: string, options: { now?: Date; actor?: string | null } = {}): Promise<TierEvaluation & { changeIds: string[] }> {
  const now = options.now ?? new Date();
  const program = await db.program.findUnique({ where: { id: programId } });
  if (!program) throw new NotFoundError("Program", programId);
  const tiers = await tiersOf(db, programId);
  const result = { promoted: 0, demoted: 0, inGrace: 0, unchanged: 0, changes: [] as string[], changeIds: [] as string[] };
  if (tiers.length === 0) return result;
  const members = await db.membership.findMany({ where: { programId, status: "ACTIVE" }, include: { user: { select: { externalId: true } } } });
  if (members.length === 0) return result;
  const population = Prisma.sql`SELECT "userId" FROM "Membership" WHERE "programId" = ${programId} AND "status" = 'ACTIVE'`;
  // null: the tier has no criteria, everyone qualifies.
  const passes = new Map<string, Map<string, Explanation> | null>();
  for (const tier of tiers) {
    const criteria = parseCriteria(tier.criteria);
    passes.set(tier.id, criteria ? await evaluateCriteriaForPopulation(db, dialect, population, criteria, { asOfDay: dayOf(now), programId }) : null);
  }
  // A member missing from the result (their status changed meanwhile) qualifies for nothing new.
  const passed = (tier: Tier, userId: string) => {
    const explained = passes.get(tier.id);
    return explained === null || explained === undefined ? true : explained.get(userId)?.passed ?? false;
  };
  const rankOf = new Map(tiers.map((t) => [t.id, t.rank]));
  for (const m of members) {
    const target = [...tiers].reverse().find((t) => passed(t, m.userId)) ?? tiers[0]!;
    const currentRank = m.tierId ? rankOf.get(m.tierId) ?? 0 : 0;
    const current = tiers.find((t) => t.id === m.tierId) ?? null;
    if (target.rank === currentRank) {
      if (m.belowTierSince) await db.membership.update({ where: { id: m.id }, data: { belowTierSince: null } });
      result.unchanged++;
      continue;
    }
    if (target.rank > currentRank) {
      const why = passes.get(target.id)?.get(m.userId);
      const reason = `Promoted to ${target.name}: ${why ? summary(why) : "no criteria"}`;
      const change = await db.$transaction(async (tx) => {
        await tx.membership.update({ where: { id: m.id }, data: { tierId: target.id, tierSince: now, belowTierSince: null } });
        const change = await tx.tierChange.create({ data: { membershipId: m.id, fromTierId: current?.id ?? null, toTierId: target.id, reason, actor: options.actor ?? "system" } });
        await tx.recognitionEvent.create({ data: { kind: "TIER_PROMOTED", userId: m.userId, programId, tierId: target.id, message: `reached ${target.name} in ${program.name}` } });
        await emitEvent(tx, "member.promoted", { programId, program: program.slug, userId: m.user.externalId, fromTier: current?.name ?? null, toTier: target.name, reason });
        return change;
      });
      result.promoted++;
      result.changes.push(`${m.user.externalId}: ${reason}`);
      result.changeIds.push(change.id);
      continue;
    }
    // Below the current tier: start (or keep) the grace clock, demote once it has run out.
    if (!m.belowTierSince) {
      await db.membership.update({ where: { id: m.id }, data: { belowTierSince: now } });
      result.inGrace++;
      continue;
    }
    const graceEnds = m.belowTierSince.getTime() + program.demotionGraceDays * DAY_MS;
    if (now.getTime() < graceEnds) {
      result.inGrace++;
      continue;
    }
    const why = current ? passes.get(current.id)?.get(m.userId) : undefined;
    const failed = why ? why.conditions.filter((c) => !c.passed).map((c) => c.label).join("; ") : "";
    const reason = `Demoted to ${target.name}: below ${current?.name ?? "the tier"} since ${m.belowTierSince.toISOString().slice(0, 10)} (grace ${program.demotionGraceDays} days)${failed ? `: ${failed}` : ""}`;
    const change = await db.$transaction(async (tx) => {
      await tx.membership.update({ where: { id: m.id }, data: { tierId: target.id, tierSince: now, belowTierSince: null } });
      const change = await tx.tierChange.create({ data: { membershipId: m.id, fromTierId: current?.id ?? null, toTierId: target.id, reason, actor: options.actor ?? "system" } });
      await emitEvent(tx, "member.demoted", { programId, program: program.slug, userId: m.user.externalId, fromTier: current?.name ?? null, toTier: target.name, reason });
      return change;
    });
    result.demoted++;
    result.changes.push(`${m.user.externalId}: ${reason}`);
    result.changeIds.push(change.id);
  }
  return result;
}

/** A member's place and the conditions of the next tier (or of their own at the top). */
export async function tierProgress(db: Db, dialect: Dialect, programId: string, userId: string) {
  const membership = await db.membership.findUnique({ where: { programId_userId: { programId, userId } } });
  if (!membership || (membership.status !== "ACTIVE" && membership.status !== "PAUSED")) return null;
  const tiers = await tiersOf(db, programId);
  const current = tiers.find((t) => t.id === membership.tierId) ?? null;
  const next = tiers.find((t) => t.rank > (current?.rank ?? 0)) ?? null;
  const target = next ?? current;
  const criteria = target ? parseCriteria(target.criteria) : null;
  const explanation = await evaluateCriteria(db, dialect, userId, criteria, { asOfDay: dayOf(new Date()), programId });
  return { membership, currentTier: current, nextTier: next, conditions: explanation.conditions, passed: explanation.passed };
}

export interface TierInput {
  name?: string;
  rank?: number;
  description?: string | null;
  criteria?: Criteria | null;
  benefits?: string[] | null;
}

export async function createTier(db: Db, caller: Caller, requestId: string, programId: string, input: TierInput & { name: string; rank: number }) {
  const program = await db.program.findUnique({ where: { id: programId } });
  if (!program) throw new NotFoundError("Program", programId);
  await checkCriteriaReferences(db, input.criteria, "input.criteria", program.slug);
  await assertFree(db, programId, input, null);
  return db.$transaction(async (tx) => {
    const tier = await tx.tier.create({
      data: { programId, name: input.name, rank: input.rank, description: input.description ?? null, criteria: input.criteria ? (criteriaToJson(input.criteria) as object) : undefined, benefits: input.benefits ?? [] },
    });
    await recordAudit(tx, caller, requestId, { action: "tier.create", targetType: "Tier", targetId: tier.id, after: tier });
    return tier;
  });
}

export async function updateTier(db: Db, caller: Caller, requestId: string, id: string, input: TierInput) {
  const before = await db.tier.findUnique({ where: { id }, include: { program: { select: { slug: true } } } });
  if (!before) throw new NotFoundError("Tier", id);
  await checkCriteriaReferences(db, input.criteria, "input.criteria", before.program.slug);
  await assertFree(db, before.programId, input, id);
  return db.$transaction(async (tx) => {
    const tier = await tx.tier.update({
      where: { id },
      data: {
        name: input.name ?? undefined, rank: input.rank ?? undefined, description: input.description,
        criteria: input.criteria === undefined ? undefined : input.criteria === null ? (Prisma.DbNull as never) : (criteriaToJson(input.criteria) as object),
        benefits: input.benefits === undefined ? undefined : input.benefits ?? [],
      },
    });
    await recordAudit(tx, caller, requestId, { action: "tier.update", targetType: "Tier", targetId: id, before, after: tier });
    return tier;
  });
}

async function assertFree(db: Db, programId: string, input: TierInput, selfId: string | null) {
  if (input.rank !== undefined) {
    const clash = await db.tier.findFirst({ where: { programId, rank: input.rank, NOT: selfId ? { id: selfId } : undefined } });
    if (clash) throw new ConflictError(`rank ${input.rank} is taken by ${clash.name}`, "input.rank");
  }
  if (input.name !== undefined) {
    const clash = await db.tier.findFirst({ where: { programId, name: input.name, NOT: selfId ? { id: selfId } : undefined } });
    if (clash) throw new ConflictError(`a tier named ${JSON.stringify(input.name)} exists`, "input.name");
  }
  if (input.benefits && input.benefits.length > 20) throw new ValidationError("at most 20 benefits", "input.benefits");
}

registerJob({
  name: "tiers.evaluate",
  intervalMs: 60 * 60_000,
  async run({ db, dialect }) {
    const programs = await db.program.findMany({ where: { archivedAt: null, tiers: { some: {} } }, select: { id: true } });
    for (const p of programs) await evaluateTiers(db, dialect, p.id, { actor: "system:tiers.evaluate" });
  },
});
