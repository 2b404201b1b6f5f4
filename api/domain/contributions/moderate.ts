// Moderation: approving credits the points; rejecting an approved contribution writes a
// REVERSAL entry (the ledger is never edited). Each transition is a conditional update on
// the status the moderator saw, so two moderators racing cannot both credit or both reverse.
import type { Contribution } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { appendPoints } from "../points.ts";
import { creditContribution, LEDGER_TX, scopesOf } from "./record.ts";
import { revokeLapsedRuleBadges } from "./badges.ts";
import type { Changed, WriteContext } from "./shared.ts";

export type Decision = "APPROVE" | "REJECT";

export async function moderateContribution(
  w: WriteContext,
  input: { id: string; decision: Decision; reason?: string | null },
): Promise<{ contribution: Contribution } & Changed> {
  return w.db.$transaction(async (tx) => {
    const before = await tx.contribution.findUnique({ where: { id: input.id } });
    if (!before) throw new NotFoundError("Contribution", input.id);
    const target = input.decision === "APPROVE" ? "APPROVED" : "REJECTED";
    if (before.status === target) throw new ConflictError(`the contribution is already ${target.toLowerCase()}`, "input.decision");
    const moved = await tx.contribution.updateMany({
      where: { id: before.id, status: before.status },
      data: {
        status: target,
        moderatedBy: w.caller.actor,
        moderatedAt: new Date(),
        rejectionReason: target === "REJECTED" ? (input.reason ?? null) : null,
      },
    });
    if (moved.count === 0) throw new ConflictError("the contribution was moderated meanwhile; reload and decide again", "input.id");
    const contribution = await tx.contribution.findUniqueOrThrow({ where: { id: before.id } });
    let changed = false;
    if (target === "APPROVED") {
      await creditContribution(tx, w, contribution);
      changed = contribution.points !== 0;
    } else if (before.status === "APPROVED" && before.points !== 0) {
      // Dated like the original so period boards take the points back from the period that got them.
      await appendPoints(tx, w.dialect, {
        userId: contribution.userId,
        points: -contribution.points,
        reason: "REVERSAL",
        occurredAt: contribution.occurredAt,
        programId: contribution.programId,
        contributionId: contribution.id,
        note: input.reason ?? null,
      });
      await revokeLapsedRuleBadges(tx, w, contribution.userId, contribution.programId, `contribution ${contribution.externalId ?? contribution.id} was rejected`);
      changed = true;
    }
    await recordAudit(tx, w.caller, w.requestId, {
      action: `contribution.${input.decision.toLowerCase()}`,
      targetType: "Contribution",
      targetId: contribution.id,
      before,
      after: contribution,
      reason: input.reason ?? null,
    });
    return { contribution, scopes: changed ? scopesOf(contribution.programId) : [] };
  }, LEDGER_TX);
}
