// Recording contributions: integrators and admins record approved ones (idempotent by
// externalId); members submit their own, which wait for moderation.
import { randomUUID } from "node:crypto";
import type { Contribution, ContributionKind } from "../../gen/sqlite/client.ts";
import { ForbiddenError, NotFoundError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { emitEvent } from "../events.ts";
import { appendPoints, WORKSPACE_SCOPE } from "../points.ts";
import { evaluateRuleBadges } from "./badges.ts";
import { defaultPoints } from "./rules.ts";
import { isUniqueViolation } from "../../db.ts";
import { ensureUser, type Changed, type Tx, type WriteContext } from "./shared.ts";

export interface ContributionInput {
  userId: string;
  kind: ContributionKind;
  points?: number | null;
  occurredAt: Date;
  externalId: string;
  title?: string | null;
  url?: string | null;
  programId?: string | null;
}

export interface RecordResult extends Changed {
  contribution: Contribution;
  /** False when the externalId was seen before: the first contribution comes back, nothing is added. */
  created: boolean;
}

/** Writers to one person's totals queue on its row lock; give them room to wait their turn. */
export const LEDGER_TX = { maxWait: 15_000, timeout: 30_000 };

export function scopesOf(programId: string | null | undefined) {
  return programId ? [WORKSPACE_SCOPE, programId] : [WORKSPACE_SCOPE];
}

/** Credit an approved contribution: a ledger entry, then the badge rules it may have satisfied. */
export async function creditContribution(tx: Tx, w: WriteContext, c: Contribution) {
  if (c.points !== 0) {
    await appendPoints(tx, w.dialect, {
      userId: c.userId,
      points: c.points,
      reason: "CONTRIBUTION",
      occurredAt: c.occurredAt,
      programId: c.programId,
      contributionId: c.id,
    });
  }
  await evaluateRuleBadges(tx, w.dialect, c.userId, c.programId);
}

async function assertProgram(tx: Pick<Tx, "program">, programId: string | null | undefined) {
  if (programId && !(await tx.program.findUnique({ where: { id: programId }, select: { id: true } }))) {
    throw new NotFoundError("Program", programId);
  }
}

/** Admins and `write` keys: approved at once. A person not seen before is created, as usage ingest does. */
export async function recordContribution(w: WriteContext, input: ContributionInput): Promise<RecordResult> {
  const existing = await w.db.contribution.findUnique({ where: { externalId: input.externalId } });
  if (existing) return { contribution: existing, created: false, scopes: [] };
  await assertProgram(w.db, input.programId);
  const user = await ensureUser(w.db, input.userId);
  try {
    return await w.db.$transaction(async (tx) => {
      const again = await tx.contribution.findUnique({ where: { externalId: input.externalId } });
      if (again) return { contribution: again, created: false, scopes: [] as string[] };
      const contribution = await tx.contribution.create({
        data: {
          externalId: input.externalId,
          userId: user.id,
          programId: input.programId ?? null,
          kind: input.kind,
          points: input.points ?? (await defaultPoints(tx, input.kind)),
          status: "APPROVED",
          title: input.title ?? null,
          url: input.url ?? null,
          occurredAt: input.occurredAt,
          submittedBy: w.caller.actor,
          moderatedBy: w.caller.actor,
          moderatedAt: new Date(),
        },
      });
      await recordAudit(tx, w.caller, w.requestId, { action: "contribution.record", targetType: "Contribution", targetId: contribution.id, after: contribution });
      await emitEvent(tx, "contribution.recorded", {
        id: contribution.id,
        externalId: contribution.externalId,
        userId: input.userId,
        kind: contribution.kind,
        points: contribution.points,
        programId: contribution.programId,
        occurredAt: contribution.occurredAt,
      });
      // Last: crediting locks the person's totals row until commit, so it should be held briefly.
      await creditContribution(tx, w, contribution);
      return { contribution, created: true, scopes: scopesOf(contribution.programId) };
    }, LEDGER_TX);
  } catch (error) {
    // A concurrent request with the same externalId committed first: answer with its contribution.
    if (isUniqueViolation(error)) {
      const winner = await w.db.contribution.findUnique({ where: { externalId: input.externalId } });
      if (winner) return { contribution: winner, created: false, scopes: [] };
    }
    throw error;
  }
}

export interface SubmissionInput extends Omit<ContributionInput, "externalId" | "points" | "userId"> {
  /** Optional: a member may only name themselves. */
  userId?: string | null;
  externalId?: string | null;
}

/** A member's own contribution (a talk they gave): PENDING until a moderator decides; no points yet. */
export async function submitContribution(w: WriteContext, memberExternalId: string, input: SubmissionInput) {
  if (input.userId && input.userId !== memberExternalId) {
    const named = await w.db.user.findUnique({ where: { externalId: input.userId }, select: { id: true } });
    if (!named) throw new NotFoundError("User", input.userId);
    throw new ForbiddenError("members submit contributions only for themselves");
  }
  // Members' keys are namespaced so they can never collide with (or replay) an integrator's.
  const externalId = `member:${memberExternalId}:${input.externalId ?? randomUUID()}`;
  const existing = await w.db.contribution.findUnique({ where: { externalId } });
  if (existing) return { contribution: existing, created: false };
  await assertProgram(w.db, input.programId);
  const user = await ensureUser(w.db, memberExternalId);
  try {
    return await w.db.$transaction(async (tx) => {
      const contribution = await tx.contribution.create({
        data: {
          externalId,
          userId: user.id,
          programId: input.programId ?? null,
          kind: input.kind,
          points: await defaultPoints(tx, input.kind),
          status: "PENDING",
          title: input.title ?? null,
          url: input.url ?? null,
          occurredAt: input.occurredAt,
          submittedBy: w.caller.actor,
        },
      });
      return { contribution, created: true };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const winner = await w.db.contribution.findUnique({ where: { externalId } });
      if (winner) return { contribution: winner, created: false };
    }
    throw error;
  }
}
