// Feedback and the closed loop: members give and vote; admins move items through a fixed
// lifecycle, each step with a public note that reaches everyone who gave or voted.
import type { Caller } from "../../context.ts";
import { isUniqueViolation, type Db } from "../../db.ts";
import type { Feedback, FeedbackKind, FeedbackStatus } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { emitEvent } from "../events.ts";
import { notify } from "../notifications.ts";
import { recordAudit } from "../audit.ts";
import { AlreadyVotedError, InvalidStatusTransitionError, OwnFeedbackVoteError } from "./errors.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const LIFECYCLE: FeedbackStatus[] = ["NEW", "ACKNOWLEDGED", "PLANNED", "IN_PROGRESS", "SHIPPED"];
export const FINAL_STATUSES: FeedbackStatus[] = ["SHIPPED", "DECLINED", "DUPLICATE"];

/** Forward along the lifecycle (steps may be skipped), or DECLINED from any open status. DUPLICATE comes from mergeFeedback. */
export function allowedNext(from: FeedbackStatus): FeedbackStatus[] {
  if (FINAL_STATUSES.includes(from)) return [];
  const i = LIFECYCLE.indexOf(from);
  return [...LIFECYCLE.slice(i + 1), "DECLINED"];
}

export interface SubmitFeedbackInput {
  kind: FeedbackKind;
  title: string;
  body: string;
  rating?: number | null;
  featureKey?: string | null;
  cohortId?: string | null;
}

export async function submitFeedback(db: Db, author: { id: string; externalId: string }, input: SubmitFeedbackInput) {
  let featureId: string | null = null;
  if (input.featureKey) {
    const feature = await db.feature.findUnique({ where: { key: input.featureKey }, select: { id: true } });
    if (!feature) throw new ValidationError("is not a known feature key", "input.featureKey");
    featureId = feature.id;
  }
  let programId: string | null = null;
  if (input.cohortId) {
    const cohort = await db.cohort.findUnique({ where: { id: input.cohortId }, select: { programId: true } });
    if (!cohort) throw new NotFoundError("Cohort", input.cohortId);
    programId = cohort.programId;
  }
  return db.feedback.create({
    data: {
      authorId: author.id,
      kind: input.kind,
      title: input.title,
      body: input.body,
      rating: input.rating ?? null,
      featureId,
      cohortId: input.cohortId ?? null,
      programId,
    },
  });
}

export async function voteFeedback(db: Db, voter: { id: string }, feedbackId: string) {
  return db.$transaction(async (tx) => {
    const item = await tx.feedback.findUnique({ where: { id: feedbackId } });
    if (!item) throw new NotFoundError("Feedback", feedbackId);
    if (item.authorId === voter.id) throw new OwnFeedbackVoteError();
    const existing = await tx.feedbackVote.findUnique({ where: { feedbackId_userId: { feedbackId, userId: voter.id } } });
    if (existing) throw new AlreadyVotedError();
    try {
      await tx.feedbackVote.create({ data: { feedbackId, userId: voter.id } });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AlreadyVotedError();
      throw e;
    }
    return tx.feedback.update({ where: { id: feedbackId }, data: { voteCount: { increment: 1 } } });
  });
}

export async function unvoteFeedback(db: Db, voter: { id: string }, feedbackId: string) {
  return db.$transaction(async (tx) => {
    const removed = await tx.feedbackVote.deleteMany({ where: { feedbackId, userId: voter.id } });
    if (removed.count === 0) throw new NotFoundError("FeedbackVote", feedbackId);
    return tx.feedback.update({ where: { id: feedbackId }, data: { voteCount: { decrement: 1 } } });
  });
}

async function followers(tx: Tx, item: Pick<Feedback, "id" | "authorId">) {
  const votes = await tx.feedbackVote.findMany({ where: { feedbackId: item.id }, select: { userId: true } });
  return [item.authorId, ...votes.map((v) => v.userId)];
}

const STATUS_WORDS: Record<FeedbackStatus, string> = {
  NEW: "new",
  ACKNOWLEDGED: "acknowledged",
  PLANNED: "planned",
  IN_PROGRESS: "in progress",
  SHIPPED: "shipped",
  DECLINED: "declined",
  DUPLICATE: "merged into another item",
};

async function applyStatus(tx: Tx, caller: Caller, item: Feedback, to: FeedbackStatus, note: string, extra: Partial<Feedback> = {}) {
  const now = new Date();
  const updated = await tx.feedback.update({
    where: { id: item.id },
    data: {
      ...extra,
      status: to,
      acknowledgedAt: item.acknowledgedAt ?? (to !== "NEW" ? now : null),
      closedAt: FINAL_STATUSES.includes(to) ? now : null,
    },
  });
  const change = await tx.feedbackStatusChange.create({
    data: { feedbackId: item.id, fromStatus: item.status, toStatus: to, note, actor: caller.actor },
  });
  await notify(tx, await followers(tx, item), {
    kind: "feedback.status_changed",
    title: `"${item.title}" is ${STATUS_WORDS[to]}`,
    body: note,
    data: { feedbackId: item.id, status: to, statusChangeId: change.id },
  });
  const author = await tx.user.findUniqueOrThrow({ where: { id: item.authorId }, select: { externalId: true } });
  await emitEvent(tx, "feedback.status_changed", {
    feedbackId: item.id,
    title: item.title,
    kind: item.kind,
    from: item.status,
    to,
    note,
    authorId: author.externalId,
    voteCount: updated.voteCount,
    duplicateOfId: updated.duplicateOfId,
  });
  return updated;
}

export async function changeFeedbackStatus(db: Db, caller: Caller, requestId: string, id: string, to: FeedbackStatus, note: string) {
  return db.$transaction(async (tx) => {
    const item = await tx.feedback.findUnique({ where: { id } });
    if (!item) throw new NotFoundError("Feedback", id);
    const allowed = allowedNext(item.status);
    if (!allowed.includes(to)) throw new InvalidStatusTransitionError(item.status, to, allowed);
    const updated = await applyStatus(tx, caller, item, to, note);
    await recordAudit(tx, caller, requestId, { action: "feedback.status", targetType: "Feedback", targetId: id, before: { status: item.status }, after: { status: to }, reason: note });
    return updated;
  });
}

/** Marks `id` a duplicate of `intoId` and carries its voters (and its author) over as votes. */
export async function mergeFeedback(db: Db, caller: Caller, requestId: string, id: string, intoId: string, note?: string | null) {
  if (id === intoId) throw new ValidationError("must differ from id", "input.intoId");
  return db.$transaction(async (tx) => {
    const item = await tx.feedback.findUnique({ where: { id } });
    if (!item) throw new NotFoundError("Feedback", id);
    const target = await tx.feedback.findUnique({ where: { id: intoId } });
    if (!target) throw new NotFoundError("Feedback", intoId);
    if (target.status === "DUPLICATE") throw new ConflictError("The target is itself a duplicate; merge into the item it points to", "input.intoId");
    if (FINAL_STATUSES.includes(item.status)) throw new InvalidStatusTransitionError(item.status, "DUPLICATE", []);
    const carried = new Set([item.authorId, ...(await followers(tx, item)).slice(1)]);
    carried.delete(target.authorId);
    const already = await tx.feedbackVote.findMany({ where: { feedbackId: intoId, userId: { in: [...carried] } }, select: { userId: true } });
    for (const v of already) carried.delete(v.userId);
    if (carried.size) {
      await tx.feedbackVote.createMany({ data: [...carried].map((userId) => ({ feedbackId: intoId, userId })) });
    }
    const votes = await tx.feedbackVote.count({ where: { feedbackId: intoId } });
    const merged = await tx.feedback.update({ where: { id: intoId }, data: { voteCount: votes } });
    const updated = await applyStatus(tx, caller, item, "DUPLICATE", note?.trim() || `Merged into "${target.title}"; follow that item for updates.`, {
      duplicateOfId: intoId,
    });
    await recordAudit(tx, caller, requestId, { action: "feedback.merge", targetType: "Feedback", targetId: id, after: { intoId, carriedVotes: carried.size } });
    return { feedback: updated, into: merged };
  });
}
