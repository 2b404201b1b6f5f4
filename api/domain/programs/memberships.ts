// Memberships that enforce fit: admitting someone who fails the criteria needs an override
// reason, which is audited and stays on the membership. Members may pause or leave on their own.
import type { Caller } from "../../context.ts";
import type { Db, Dialect } from "../../db.ts";
import type { MembershipSource, Prisma as P } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { dayOf } from "../days.ts";
import { emitEvent } from "../events.ts";
import { evaluateCriteria, parseCriteria } from "../criteria/index.ts";
import { CriteriaNotMetError } from "./errors.ts";
import { entryTierFor } from "./tiers.ts";
import { conflictOnDuplicate } from "./programs.ts";

type Tx = P.TransactionClient;

/** What a domain write needs from the request: the database and who is acting. */
export interface Actor {
  db: Db;
  dialect: Dialect;
  caller: Caller;
  requestId: string;
}

/** Active, paused and invited people are "in"; left and removed people may be admitted again. */
export const CURRENT_STATUSES = ["ACTIVE", "PAUSED", "INVITED"] as const;

export async function requireProgram(db: Db | Tx, id: string) {
  const program = await db.program.findUnique({ where: { id } });
  if (!program) throw new NotFoundError("Program", id);
  if (program.archivedAt) throw new ConflictError(`program ${program.slug} is archived`, "programId");
  return program;
}

export async function requireUser(db: Db | Tx, externalId: string) {
  const user = await db.user.findUnique({ where: { externalId } });
  if (!user) throw new NotFoundError("User", externalId);
  return user;
}

/**
 * Makes `userId` an active member (new row or a returning leaver), places them in the highest
 * tier they qualify for, and records it. Runs inside the caller's transaction.
 */
export async function joinProgram(tx: Tx, dialect: Dialect, programId: string, userId: string, source: MembershipSource, extra: { overrideReason?: string | null; overrideBy?: string | null; actor?: string | null } = {}) {
  const existing = await tx.membership.findUnique({ where: { programId_userId: { programId, userId } } });
  if (existing && (CURRENT_STATUSES as readonly string[]).includes(existing.status) && existing.status !== "INVITED") {
    throw new ConflictError("already a member of this program", "userId");
  }
  const tier = await entryTierFor(tx, dialect, programId, userId);
  const now = new Date();
  const data = {
    status: "ACTIVE" as const, source, tierId: tier?.id ?? null, tierSince: tier ? now : null, belowTierSince: null,
    overrideReason: extra.overrideReason ?? null, overrideBy: extra.overrideBy ?? null, statusReason: null, joinedAt: now, endedAt: null,
  };
  const membership = existing
    ? await tx.membership.update({ where: { id: existing.id }, data })
    : await tx.membership.create({ data: { programId, userId, ...data } });
  if (tier) await tx.tierChange.create({ data: { membershipId: membership.id, fromTierId: null, toTierId: tier.id, reason: `Joined the program in ${tier.name}`, actor: extra.actor ?? null } });
  await tx.recognitionEvent.create({ data: { kind: "MEMBER_JOINED", userId, programId, tierId: tier?.id ?? null, message: "joined the program" } });
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { externalId: true } });
  await emitEvent(tx, "member.joined", { programId, userId: user.externalId, membershipId: membership.id, source, tier: tier?.name ?? null });
  return membership;
}

export async function addMember({ db, dialect, caller, requestId }: Actor, input: { programId: string; userId: string; overrideReason?: string | null }) {
  const program = await requireProgram(db, input.programId);
  const user = await requireUser(db, input.userId);
  const explanation = await evaluateCriteria(db, dialect, user.id, parseCriteria(program.criteria), { asOfDay: dayOf(new Date()), programId: program.id });
  if (!explanation.passed && !input.overrideReason) throw new CriteriaNotMetError(explanation, user.externalId);
  const override = !explanation.passed;
  return conflictOnDuplicate(() => db.$transaction(async (tx) => {
    const membership = await joinProgram(tx, dialect, program.id, user.id, override ? "OVERRIDE" : "CRITERIA", {
      overrideReason: override ? input.overrideReason : null,
      overrideBy: override ? caller.actor : null,
      actor: caller.actor,
    });
    await recordAudit(tx, caller, requestId, {
      action: override ? "membership.add_override" : "membership.add",
      targetType: "Membership",
      targetId: membership.id,
      after: { ...membership, explanation },
      reason: override ? input.overrideReason : null,
    });
    return membership;
  }), "already a member of this program", "userId");
}

async function findMembership(db: Db | Tx, programId: string, userId: string) {
  const m = await db.membership.findUnique({ where: { programId_userId: { programId, userId } } });
  if (!m) throw new NotFoundError("Membership", `${programId}/${userId}`);
  return m;
}

export async function setMemberStatus(
  { db, caller, requestId }: Actor,
  input: { programId: string; userId: string; status: "PAUSED" | "ACTIVE" | "REMOVED" | "LEFT"; reason?: string | null },
) {
  const before = await findMembership(db, input.programId, input.userId);
  const allowed: Record<string, string[]> = { PAUSED: ["ACTIVE"], ACTIVE: ["PAUSED"], REMOVED: ["ACTIVE", "PAUSED", "INVITED"], LEFT: ["ACTIVE", "PAUSED", "INVITED"] };
  if (!allowed[input.status]!.includes(before.status)) {
    throw new ConflictError(`a ${before.status.toLowerCase()} membership cannot become ${input.status.toLowerCase()}`, "status");
  }
  const ends = input.status === "REMOVED" || input.status === "LEFT";
  return db.$transaction(async (tx) => {
    const membership = await tx.membership.update({
      where: { id: before.id },
      data: { status: input.status, statusReason: input.reason ?? null, endedAt: ends ? new Date() : null },
    });
    await recordAudit(tx, caller, requestId, { action: `membership.${input.status.toLowerCase()}`, targetType: "Membership", targetId: before.id, before, after: membership, reason: input.reason });
    return membership;
  });
}
