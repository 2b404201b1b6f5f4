// Onboarding checklist per program: ordered steps, each member's progress and completion.
import type { Caller } from "../../context.ts";
import type { Db } from "../../db.ts";
import type { User } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";

export async function createOnboardingStep(db: Db, caller: Caller, requestId: string, input: { programId: string; title: string; description?: string | null; position?: number | null }) {
  const program = await db.program.findUnique({ where: { id: input.programId }, select: { id: true } });
  if (!program) throw new NotFoundError("Program", input.programId);
  return db.$transaction(async (tx) => {
    const last = await tx.onboardingStep.findFirst({ where: { programId: program.id }, orderBy: { position: "desc" } });
    const position = input.position ?? (last?.position ?? 0) + 1;
    if (await tx.onboardingStep.findFirst({ where: { programId: program.id, position } })) throw new ConflictError(`position ${position} is taken`, "input.position");
    const step = await tx.onboardingStep.create({ data: { programId: program.id, title: input.title, description: input.description ?? null, position } });
    await recordAudit(tx, caller, requestId, { action: "onboarding.step_create", targetType: "OnboardingStep", targetId: step.id, after: step });
    return step;
  });
}

/** The member's checklist for a program; null when they are not a member. */
export async function onboardingProgress(db: Db, programId: string, userId: string) {
  const membership = await db.membership.findUnique({ where: { programId_userId: { programId, userId } } });
  if (!membership || !["ACTIVE", "PAUSED"].includes(membership.status)) return null;
  const steps = await db.onboardingStep.findMany({ where: { programId }, orderBy: { position: "asc" }, include: { progress: { where: { membershipId: membership.id } } } });
  const items = steps.map((s) => ({ step: s, completedAt: s.progress[0]?.completedAt ?? null }));
  const done = items.filter((i) => i.completedAt).length;
  return { membership, items, completedCount: done, totalCount: items.length, completed: items.length > 0 && done === items.length };
}

export async function completeOnboardingStep(db: Db, me: User, stepId: string) {
  const step = await db.onboardingStep.findUnique({ where: { id: stepId } });
  if (!step) throw new NotFoundError("OnboardingStep", stepId);
  const membership = await db.membership.findUnique({ where: { programId_userId: { programId: step.programId, userId: me.id } } });
  if (!membership || !["ACTIVE", "PAUSED"].includes(membership.status)) throw new NotFoundError("OnboardingStep", stepId);
  // Completing twice keeps the first completion time.
  await db.onboardingProgress.upsert({
    where: { stepId_membershipId: { stepId, membershipId: membership.id } },
    create: { stepId, membershipId: membership.id, userId: me.id },
    update: {},
  });
  return (await onboardingProgress(db, step.programId, me.id))!;
}
