// Success stories: admins draft, the subject approves (or asks for changes) with their own
// identity token, approval publishes. Published stories are public.
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import { approveStory, createStory, requestStoryApproval, requestStoryChanges, updateStory } from "../domain/contributions/stories.ts";
import type { Story } from "../gen/sqlite/client.ts";
import type { Context } from "../context.ts";
import { externalIdSchema } from "./users.ts";

const StoryStatusEnum = builder.enumType("StoryStatus", { values: ["DRAFT", "AWAITING_APPROVAL", "CHANGES_REQUESTED", "APPROVED", "PUBLISHED"] as const });

/** Drafts are for admins, `read` keys and the subject; published stories for everyone. */
async function canSeeStory(story: Pick<Story, "status" | "subjectId">, ctx: Context) {
  if (story.status === "PUBLISHED") return true;
  const { caller } = ctx;
  if (caller.kind === "admin") return true;
  if (caller.kind === "integrator") return caller.scopes.has("read");
  if (caller.kind === "member") return (await ctx.currentUser()).id === story.subjectId;
  return false;
}

export const StoryRef = builder.prismaNode("Story", {
  id: { field: "id" },
  authScopes: (story, ctx) => canSeeStory(story, ctx),
  description: "A success story about a member, in their voice, published once they approve it.",
  fields: (t) => ({
    headline: t.exposeString("headline", { description: "The benefit, in one line." }),
    whatTheyDid: t.exposeString("whatTheyDid"),
    takeaway: t.exposeString("takeaway"),
    quotes: t.stringList({ resolve: (s) => (Array.isArray(s.quotes) ? (s.quotes as string[]) : []) }),
    status: t.expose("status", { type: StoryStatusEnum }),
    changeRequest: t.exposeString("changeRequest", { nullable: true, description: "What the subject asked to change." }),
    subject: t.relation("subject"),
    publishedAt: t.expose("publishedAt", { type: "DateTime", nullable: true }),
    approvedAt: t.expose("approvedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

async function publicProgramFilter(ctx: Context, slug: string | null | undefined) {
  if (!slug) return ctx.caller.kind === "admin" ? {} : { OR: [{ programId: null }, { program: { visibility: "PUBLIC" as const } }] };
  const program = await ctx.db.program.findUnique({ where: { slug }, select: { id: true, visibility: true } });
  if (!program) return { programId: "-none-" };
  if (program.visibility !== "PUBLIC" && ctx.caller.kind !== "admin" && !(ctx.caller.kind === "member" && program.visibility === "MEMBERS")) {
    return { programId: "-none-" };
  }
  return { programId: program.id };
}

builder.queryFields((t) => ({
  stories: t.prismaConnection({
    type: "Story",
    cursor: "id",
    description: "Published stories, newest first; `program` (a slug) narrows to one program.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { program: t.arg.string({ required: false, validate: z.string().max(100) }) },
    resolve: async (query, _p, args, ctx) =>
      ctx.db.story.findMany({
        ...query,
        where: { status: "PUBLISHED", ...(await publicProgramFilter(ctx, args.program)) },
        orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
      }),
  }),
  story: t.prismaField({
    type: "Story",
    nullable: true,
    description: "One story: public once published; drafts for admins and the subject.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { id: t.arg.globalID() },
    resolve: async (query, _p, args, ctx) => {
      const story = await ctx.db.story.findUnique({ ...query, where: { id: args.id.id } });
      return story && (await canSeeStory(story, ctx)) ? story : null;
    },
  }),
  myStories: t.prismaConnection({
    type: "Story",
    cursor: "id",
    description: "Stories about the signed-in member, in any status: the ones awaiting your approval first.",
    skipTypeScopes: true,
    authScopes: { member: true },
    resolve: async (query, _p, _args, ctx) =>
      ctx.db.story.findMany({ ...query, where: { subjectId: (await ctx.currentUser()).id }, orderBy: [{ updatedAt: "desc" }, { id: "desc" }] }),
  }),
  allStories: t.prismaConnection({
    type: "Story",
    cursor: "id",
    description: "Every story in any status, newest first (admins).",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    args: { status: t.arg({ type: StoryStatusEnum, required: false }) },
    resolve: (query, _p, args, ctx) =>
      ctx.db.story.findMany({ ...query, where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
}));

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max);
const quotesSchema = z.array(text(1000)).max(20);

const StoryPayload = (name: string) =>
  builder.objectRef<{ story: Story }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ story: t.field({ type: StoryRef, resolve: (p) => p.story }) }),
  });

builder.mutationField("createStory", (t) =>
  t.field({
    type: StoryPayload("CreateStoryPayload"),
    description: "Draft a story about a member (admins).",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: {
      input: t.arg({
        type: builder.inputType("CreateStoryInput", {
          fields: (f) => ({
            userId: f.string({ description: "The subject's externalId.", validate: externalIdSchema }),
            programId: f.globalID({ required: false }),
            headline: f.string({ validate: text(200) }),
            whatTheyDid: f.string({ validate: text(10_000) }),
            takeaway: f.string({ validate: text(2000) }),
            quotes: f.stringList({ required: false, validate: quotesSchema }),
          }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) => ({ story: await createStory(ctx, { ...input, programId: input.programId?.id ?? null }) }),
  }),
);

builder.mutationField("updateStory", (t) =>
  t.field({
    type: StoryPayload("UpdateStoryPayload"),
    description: "Edit a draft (admins). Editing a story awaiting approval takes it back to DRAFT.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateStoryInput", {
          fields: (f) => ({
            id: f.globalID(),
            headline: f.string({ required: false, validate: text(200) }),
            whatTheyDid: f.string({ required: false, validate: text(10_000) }),
            takeaway: f.string({ required: false, validate: text(2000) }),
            quotes: f.stringList({ required: false, validate: quotesSchema }),
          }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) => ({
      story: await updateStory(ctx, input.id.id, {
        headline: input.headline ?? undefined,
        whatTheyDid: input.whatTheyDid ?? undefined,
        takeaway: input.takeaway ?? undefined,
        quotes: input.quotes ?? undefined,
      }),
    }),
  }),
);

const IdInput = (name: string) => builder.inputType(name, { fields: (f) => ({ id: f.globalID() }) });

builder.mutationField("requestStoryApproval", (t) =>
  t.field({
    type: StoryPayload("RequestStoryApprovalPayload"),
    description: "Send the draft to its subject, who is notified and approves or asks for changes.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: IdInput("RequestStoryApprovalInput") }) },
    resolve: async (_r, { input }, ctx) => ({ story: await requestStoryApproval(ctx, input.id.id) }),
  }),
);

const memberId = (ctx: Context) => (ctx.caller.kind === "member" ? ctx.caller.externalId : null);

builder.mutationField("approveStory", (t) =>
  t.field({
    type: StoryPayload("ApproveStoryPayload"),
    description: "The subject approves the story about them (identity token); it is published at once.",
    skipTypeScopes: true,
    authScopes: { member: true, admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError, ForbiddenError] },
    args: { input: t.arg({ type: IdInput("ApproveStoryInput") }) },
    resolve: async (_r, { input }, ctx) => ({ story: await approveStory(ctx, input.id.id, memberId(ctx)) }),
  }),
);

builder.mutationField("requestStoryChanges", (t) =>
  t.field({
    type: StoryPayload("RequestStoryChangesPayload"),
    description: "The subject asks for changes (identity token), saying what to change.",
    skipTypeScopes: true,
    authScopes: { member: true, admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError, ForbiddenError] },
    args: {
      input: t.arg({
        type: builder.inputType("RequestStoryChangesInput", {
          fields: (f) => ({ id: f.globalID(), note: f.string({ validate: text(2000) }) }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) => ({ story: await requestStoryChanges(ctx, input.id.id, memberId(ctx), input.note) }),
  }),
);
