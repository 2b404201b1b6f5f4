// Nominations: a member puts forward themselves, a peer, or (as their manager) someone in
// their team; admins review them against the criteria. Accepting sends an invitation.
import type { User } from "../../gen/sqlite/client.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { createInvitation, draftInvitation } from "./invitations.ts";
import { requireProgram, requireUser, type Actor } from "./memberships.ts";
import { canSeeProgram } from "./programs.ts";

export type NominationKindName = "SELF" | "PEER" | "MANAGER";

export async function nominate(actor: Actor, me: User, input: { programId: string; nomineeId: string; kind: NominationKindName; reason: string }) {
  const { db } = actor;
  const program = await requireProgram(db, input.programId);
  if (!canSeeProgram(actor.caller, program)) throw new NotFoundError("Program", input.programId);
  const nominee = input.nomineeId === me.externalId ? me : await requireUser(db, input.nomineeId);
  if (input.kind === "SELF" && nominee.id !== me.id) throw new ValidationError("a SELF nomination names yourself", "input.nomineeId");
  if (input.kind === "PEER" && nominee.id === me.id) throw new ValidationError("use SELF to nominate yourself", "input.kind");
  if (input.kind === "MANAGER" && nominee.managerId !== me.id) throw new ForbiddenError("only the nominee's manager can make a MANAGER nomination");
  const member = await db.membership.findUnique({ where: { programId_userId: { programId: program.id, userId: nominee.id } } });
  if (member && ["ACTIVE", "PAUSED"].includes(member.status)) throw new ConflictError("already a member of this program", "input.nomineeId");
  const pending = await db.nomination.findFirst({ where: { programId: program.id, nomineeId: nominee.id, status: "PENDING" } });
  if (pending) throw new ConflictError("this person already has a pending nomination", "input.nomineeId");
  return db.nomination.create({ data: { programId: program.id, nomineeId: nominee.id, nominatorId: me.id, kind: input.kind, reason: input.reason } });
}

export async function reviewNomination(actor: Actor, input: { nominationId: string; accept: boolean; note?: string | null; template?: string | null }) {
  const { db } = actor;
  const nomination = await db.nomination.findUnique({ where: { id: input.nominationId }, include: { nominee: true } });
  if (!nomination) throw new NotFoundError("Nomination", input.nominationId);
  if (nomination.status !== "PENDING") throw new ConflictError(`this nomination was already ${nomination.status.toLowerCase()}`, "input.nominationId");
  if (!input.accept && !input.note) throw new ValidationError("say why the nomination is declined", "input.note");
  const draft = input.accept ? await draftInvitation(db, actor.dialect, { programId: nomination.programId, userId: nomination.nominee.externalId, template: input.template }) : null;
  return db.$transaction(async (tx) => {
    const reviewed = await tx.nomination.update({
      where: { id: nomination.id },
      data: { status: input.accept ? "ACCEPTED" : "DECLINED", reviewNote: input.note ?? null, reviewedBy: actor.caller.actor, reviewedAt: new Date() },
    });
    const invitation = draft ? await createInvitation(tx, draft, actor.caller.actor, nomination.id) : null;
    await recordAudit(tx, actor.caller, actor.requestId, {
      action: input.accept ? "nomination.accept" : "nomination.decline", targetType: "Nomination", targetId: nomination.id, before: nomination, after: reviewed, reason: input.note ?? null,
    });
    return { nomination: reviewed, invitation };
  });
}
