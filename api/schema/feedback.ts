// Feedback: the <pu-feedback-form> widget submits; members vote and follow their items
// (myFeedback); admins triage, merge and move items through the lifecycle with public notes.
import { isReader } from "../domain/users.ts";
import { ownsRow } from "../context.ts";
import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { ErrorInterface } from "./errors.ts";
import { CohortRef } from "./cohorts.ts";
import { AlreadyVotedError, InvalidStatusTransitionError, OwnFeedbackVoteError } from "../domain/feedback/errors.ts";
import { allowedNext, changeFeedbackStatus, mergeFeedback, submitFeedback, unvoteFeedback, voteFeedback } from "../domain/feedback/feedback.ts";
import { kickWebhookDelivery } from "../domain/webhooks/delivery.ts";
import type { Feedback, FeedbackStatus } from "../gen/sqlite/client.ts";

export const FeedbackKindEnum = builder.enumType("FeedbackKind", { values: ["IDEA", "BUG", "PRAISE", "QUESTION"] as const });
export const FeedbackStatusEnum = builder.enumType("FeedbackStatus", {
  values: ["NEW", "ACKNOWLEDGED", "PLANNED", "IN_PROGRESS", "SHIPPED", "DECLINED", "DUPLICATE"] as const,
});

/** Body, author and rating: the author, admins and `read` keys. */
const privateFeedbackField = {
  authScopes: async (item: Feedback, _args: unknown, ctx: Context) => isReader(ctx.caller) || (await ownsRow(ctx, item.authorId)),
};

const StatusChangeRef = builder.prismaObject("FeedbackStatusChange", {
  authScopes: { public: true },
  description: "One public step in an item's history, with the note its followers received.",
  fields: (t) => ({
    id: t.exposeID("id"),
    fromStatus: t.expose("fromStatus", { type: FeedbackStatusEnum }),
    toStatus: t.expose("toStatus", { type: FeedbackStatusEnum }),
    note: t.exposeString("note"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const FeedbackRef = builder.prismaNode("Feedback", {
  id: { field: "id" },
  authScopes: { public: true },
  description: "An idea, bug, praise or question. Title, status, votes and history are public; body and author are private.",
  fields: (t) => ({
    kind: t.expose("kind", { type: FeedbackKindEnum }),
    title: t.exposeString("title"),
    status: t.expose("status", { type: FeedbackStatusEnum }),
    voteCount: t.exposeInt("voteCount"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime", nullable: true }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    allowedNextStatuses: t.field({ type: [FeedbackStatusEnum], resolve: (f) => allowedNext(f.status) }),
    duplicateOf: t.relation("duplicateOf", { nullable: true }),
    statusHistory: t.relation("statusChanges", { query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } }),
    cohort: t.relation("cohort", { nullable: true }),
    featureKey: t.string({ nullable: true, select: { feature: { select: { key: true } } }, resolve: (f) => f.feature?.key ?? null }),
    body: t.exposeString("body", privateFeedbackField as never),
    rating: t.exposeInt("rating", { nullable: true, authScopes: privateFeedbackField.authScopes as never }),
    author: t.relation("author", privateFeedbackField as never),
    hasMyVote: t.boolean({
      description: "The signed-in member voted on this item.",
      resolve: async (f, _args, ctx) => {
        if (ctx.caller.kind !== "member") return false;
        const me = await ctx.currentUser();
        return !!(await ctx.db.feedbackVote.findUnique({ where: { feedbackId_userId: { feedbackId: f.id, userId: me.id } } }));
      },
    }),
  }),
});

builder.objectType(OwnFeedbackVoteError, { name: "OwnFeedbackVoteError", authScopes: { public: true }, interfaces: [ErrorInterface], fields: () => ({}) });
builder.objectType(AlreadyVotedError, { name: "AlreadyVotedError", authScopes: { public: true }, interfaces: [ErrorInterface], fields: () => ({}) });
builder.objectType(InvalidStatusTransitionError, {
  name: "InvalidStatusTransitionError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: (t) => ({
    from: t.field({ type: FeedbackStatusEnum, resolve: (e) => e.from }),
    to: t.field({ type: FeedbackStatusEnum, resolve: (e) => e.to }),
    allowed: t.field({ type: [FeedbackStatusEnum], resolve: (e) => e.allowed }),
  }),
});

const textSchema = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const SubmitFeedbackInput = builder.inputType("SubmitFeedbackInput", {
  fields: (t) => ({
    kind: t.field({ type: FeedbackKindEnum }),
    title: t.string({ validate: textSchema(200) }),
    body: t.string({ validate: textSchema(10_000) }),
    rating: t.int({ required: false, validate: z.number().int().min(1, "must be 1 to 5").max(5, "must be 1 to 5") }),
    featureKey: t.string({ required: false, validate: z.string().max(200) }),
    cohortId: t.globalID({ required: false, for: CohortRef }),
  }),
});

const FeedbackPayload = (name: string) =>
  builder.objectRef<{ feedback: Feedback }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ feedback: t.field({ type: FeedbackRef, resolve: (p) => p.feedback }) }),
  });

const FeedbackIdInput = (name: string) => builder.inputType(name, { fields: (t) => ({ feedbackId: t.globalID({ for: FeedbackRef }) }) });

const ChangeFeedbackStatusInput = builder.inputType("ChangeFeedbackStatusInput", {
  fields: (t) => ({
    id: t.globalID({ for: FeedbackRef }),
    status: t.field({ type: FeedbackStatusEnum }),
    note: t.string({ validate: textSchema(2000), description: "Public: everyone who gave or voted receives it." }),
  }),
});

const MergeFeedbackInput = builder.inputType("MergeFeedbackInput", {
  fields: (t) => ({
    id: t.globalID({ for: FeedbackRef }),
    intoId: t.globalID({ for: FeedbackRef }),
    note: t.string({ required: false, validate: z.string().max(2000) }),
  }),
});

const MergeFeedbackPayload = builder.objectRef<{ feedback: Feedback; into: Feedback }>("MergeFeedbackPayload").implement({
  authScopes: { public: true },
  fields: (t) => ({
    feedback: t.field({ type: FeedbackRef, resolve: (p) => p.feedback }),
    into: t.field({ type: FeedbackRef, resolve: (p) => p.into }),
  }),
});

builder.mutationFields((t) => ({
  submitFeedback: t.field({
    type: FeedbackPayload("SubmitFeedbackPayload"),
    description: "A member gives feedback (the <pu-feedback-form> widget).",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: SubmitFeedbackInput }) },
    resolve: async (_root, { input }, ctx) => ({
      feedback: await submitFeedback(ctx.db, await ctx.currentUser(), { ...input, cohortId: input.cohortId?.id ?? null }),
    }),
  }),
  voteFeedback: t.field({
    type: FeedbackPayload("VoteFeedbackPayload"),
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError, OwnFeedbackVoteError, AlreadyVotedError] },
    args: { input: t.arg({ type: FeedbackIdInput("VoteFeedbackInput") }) },
    resolve: async (_root, { input }, ctx) => ({ feedback: await voteFeedback(ctx.db, await ctx.currentUser(), input.feedbackId.id) }),
  }),
  unvoteFeedback: t.field({
    type: FeedbackPayload("UnvoteFeedbackPayload"),
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: FeedbackIdInput("UnvoteFeedbackInput") }) },
    resolve: async (_root, { input }, ctx) => ({ feedback: await unvoteFeedback(ctx.db, await ctx.currentUser(), input.feedbackId.id) }),
  }),
  changeFeedbackStatus: t.field({
    type: FeedbackPayload("ChangeFeedbackStatusPayload"),
    description: "NEW -> ACKNOWLEDGED -> PLANNED -> IN_PROGRESS -> SHIPPED (steps may be skipped), or DECLINED; notifies everyone who gave or voted.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, InvalidStatusTransitionError] },
    args: { input: t.arg({ type: ChangeFeedbackStatusInput }) },
    resolve: async (_root, { input }, ctx) => {
      const feedback = await changeFeedbackStatus(ctx.db, ctx.caller, ctx.requestId, input.id.id, input.status as FeedbackStatus, input.note);
      kickWebhookDelivery(ctx);
      return { feedback };
    },
  }),
  mergeFeedback: t.field({
    type: MergeFeedbackPayload,
    description: "Mark an item a DUPLICATE of another; its author and voters become votes on the other item.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError, InvalidStatusTransitionError] },
    args: { input: t.arg({ type: MergeFeedbackInput }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await mergeFeedback(ctx.db, ctx.caller, ctx.requestId, input.id.id, input.intoId.id, input.note);
      kickWebhookDelivery(ctx);
      return result;
    },
  }),
}));

builder.queryFields((t) => ({
  feedbackItems: t.prismaConnection({
    type: "Feedback",
    cursor: "id",
    description: "Triage list, most voted first; `search` matches title and body.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    totalCount: (_p, args, ctx) => ctx.db.feedback.count({ where: feedbackFilter(ctx, args) }),
    args: {
      search: t.arg.string({ required: false, validate: z.string().max(200) }),
      status: t.arg({ type: FeedbackStatusEnum, required: false }),
      kind: t.arg({ type: FeedbackKindEnum, required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.feedback.findMany({ ...query, where: feedbackFilter(ctx, args), orderBy: [{ voteCount: "desc" }, { createdAt: "desc" }, { id: "desc" }] }),
  }),
  myFeedback: t.prismaConnection({
    type: "Feedback",
    cursor: "id",
    description: "The signed-in member's own items, newest first, each with its status history.",
    skipTypeScopes: true,
    authScopes: { member: true },
    resolve: async (query, _root, _args, ctx) => {
      const me = await ctx.currentUser();
      return ctx.db.feedback.findMany({ ...query, where: { authorId: me.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    },
  }),
}));

function feedbackFilter(ctx: Context, args: { search?: string | null; status?: FeedbackStatus | null; kind?: Feedback["kind"] | null }) {
  const insensitive = ctx.dialect === "postgres" ? ({ mode: "insensitive" } as const) : {};
  const text = args.search?.trim();
  return {
    ...(args.status ? { status: args.status } : {}),
    ...(args.kind ? { kind: args.kind } : {}),
    ...(text ? { OR: [{ title: { contains: text, ...insensitive } }, { body: { contains: text, ...insensitive } }] } : {}),
  };
}

void StatusChangeRef;
