// Success stories: drafted by admins, approved (or sent back) by their subject with the
// subject's own identity token, and published on approval: every approved story is published.
import type { Story } from "../../gen/sqlite/client.ts";
import { Prisma } from "../../db.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { emitEvent } from "../events.ts";
import { notify } from "../notifications.ts";
import type { Tx, WriteContext } from "./shared.ts";

export interface StoryFields {
  headline?: string;
  whatTheyDid?: string;
  takeaway?: string;
  quotes?: string[] | null;
}

const EDITABLE = ["DRAFT", "CHANGES_REQUESTED", "AWAITING_APPROVAL"] as const;

async function findStory(tx: Tx, id: string) {
  const story = await tx.story.findUnique({ where: { id } });
  if (!story) throw new NotFoundError("Story", id);
  return story;
}

export async function createStory(
  w: WriteContext,
  input: Required<Omit<StoryFields, "quotes">> & { quotes?: string[] | null; userId: string; programId?: string | null },
) {
  return w.db.$transaction(async (tx) => {
    const subject = await tx.user.findUnique({ where: { externalId: input.userId } });
    if (!subject) throw new NotFoundError("User", input.userId);
    if (input.programId && !(await tx.program.findUnique({ where: { id: input.programId }, select: { id: true } }))) {
      throw new NotFoundError("Program", input.programId);
    }
    const story = await tx.story.create({
      data: {
        subjectId: subject.id,
        programId: input.programId ?? null,
        headline: input.headline,
        whatTheyDid: input.whatTheyDid,
        takeaway: input.takeaway,
        quotes: input.quotes ?? [],
        createdBy: w.caller.actor,
      },
    });
    await recordAudit(tx, w.caller, w.requestId, { action: "story.create", targetType: "Story", targetId: story.id, after: story });
    return story;
  });
}

/** Editing a story the subject is reviewing takes it back to DRAFT: nobody approves text they did not see. */
export async function updateStory(w: WriteContext, id: string, fields: StoryFields) {
  return w.db.$transaction(async (tx) => {
    const before = await findStory(tx, id);
    if (!(EDITABLE as readonly string[]).includes(before.status)) throw new ConflictError("a published story can no longer be edited", "input.id");
    const story = await tx.story.update({
      where: { id },
      data: {
        headline: fields.headline,
        whatTheyDid: fields.whatTheyDid,
        takeaway: fields.takeaway,
        quotes: fields.quotes === undefined ? undefined : (fields.quotes ?? []) as Prisma.InputJsonValue,
        status: before.status === "AWAITING_APPROVAL" ? "DRAFT" : undefined,
      },
    });
    await recordAudit(tx, w.caller, w.requestId, { action: "story.update", targetType: "Story", targetId: id, before, after: story });
    return story;
  });
}

export async function requestStoryApproval(w: WriteContext, id: string) {
  return w.db.$transaction(async (tx) => {
    const before = await findStory(tx, id);
    if (before.status !== "DRAFT" && before.status !== "CHANGES_REQUESTED") {
      throw new ConflictError(`a story ${before.status.toLowerCase().replace("_", " ")} cannot be sent for approval`, "input.id");
    }
    const story = await tx.story.update({ where: { id }, data: { status: "AWAITING_APPROVAL" } });
    await notify(tx, [story.subjectId], {
      kind: "story.approval_requested",
      title: "A success story about you is waiting for your approval",
      body: story.headline,
      data: { storyId: story.id },
    });
    await recordAudit(tx, w.caller, w.requestId, { action: "story.request_approval", targetType: "Story", targetId: id, before, after: story });
    return story;
  });
}

/** The subject's decision; anyone but the subject gets ForbiddenError, and nothing changes. */
async function subjectDecision(
  w: WriteContext,
  id: string,
  memberExternalId: string | null,
  data: Prisma.StoryUpdateManyMutationInput,
  after?: (tx: Tx, story: Story, subjectExternalId: string) => Promise<void>,
) {
  return w.db.$transaction(async (tx) => {
    const story = await findStory(tx, id);
    const subject = await tx.user.findUniqueOrThrow({ where: { id: story.subjectId }, select: { externalId: true } });
    if (!memberExternalId || memberExternalId !== subject.externalId) {
      throw new ForbiddenError("only the person the story is about can approve it or ask for changes, with their identity token");
    }
    if (story.status !== "AWAITING_APPROVAL") throw new ConflictError("the story is not awaiting approval", "input.id");
    // Conditional on the status read above, so an edit racing the approval cannot be approved unseen.
    const moved = await tx.story.updateMany({ where: { id, status: "AWAITING_APPROVAL", updatedAt: story.updatedAt }, data });
    if (moved.count === 0) throw new ConflictError("the story changed meanwhile; please review it again", "input.id");
    const updated = await tx.story.findUniqueOrThrow({ where: { id } });
    await after?.(tx, updated, subject.externalId);
    await recordAudit(tx, w.caller, w.requestId, { action: `story.${updated.status.toLowerCase()}`, targetType: "Story", targetId: id, before: story, after: updated });
    return updated;
  });
}

export async function approveStory(w: WriteContext, id: string, memberExternalId: string | null) {
  const now = new Date();
  return subjectDecision(w, id, memberExternalId, { status: "PUBLISHED", approvedAt: now, publishedAt: now, changeRequest: null }, async (tx, story, subjectExternalId) => {
    await tx.recognitionEvent.create({
      data: { kind: "STORY_PUBLISHED", userId: story.subjectId, programId: story.programId, storyId: story.id, message: `is the hero of a new story: ${story.headline}`, occurredAt: now },
    });
    await emitEvent(tx, "story.published", { id: story.id, headline: story.headline, userId: subjectExternalId, publishedAt: now });
  });
}

export async function requestStoryChanges(w: WriteContext, id: string, memberExternalId: string | null, note: string) {
  return subjectDecision(w, id, memberExternalId, { status: "CHANGES_REQUESTED", changeRequest: note });
}
