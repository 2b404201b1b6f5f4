// Contributions and the points ledger: recording (idempotent), member submissions,
// moderation with reversals, default points per kind, history and balances.
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { CONTRIBUTION_KINDS, listPointsRules, setPointsRule } from "../domain/contributions/rules.ts";
import { recordContribution, submitContribution } from "../domain/contributions/record.ts";
import { moderateContribution } from "../domain/contributions/moderate.ts";
import { announceScopes } from "../domain/contributions/shared.ts";
import { WORKSPACE_SCOPE } from "../domain/points.ts";
import type { Contribution } from "../gen/sqlite/client.ts";
import type { Context } from "../context.ts";
import { externalIdSchema } from "./users.ts";

export const ContributionKindEnum = builder.enumType("ContributionKind", { values: CONTRIBUTION_KINDS });
export const ModerationStatusEnum = builder.enumType("ModerationStatus", { values: ["PENDING", "APPROVED", "REJECTED"] as const });
const ModerationDecision = builder.enumType("ModerationDecision", { values: ["APPROVE", "REJECT"] as const });
const LedgerReasonEnum = builder.enumType("LedgerReason", { values: ["CONTRIBUTION", "REVERSAL", "REFERRAL_CONVERSION", "ADJUSTMENT"] as const });

const MAX_POINTS = 1_000_000;
const FUTURE_SLACK_MS = 5 * 60_000;
const occurredAtSchema = z.date().refine((d) => d.getTime() <= Date.now() + FUTURE_SLACK_MS, "must not be in the future");
const urlSchema = z.string().trim().max(2000).url().refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL");

/** Contributions are visible to admins, API keys, and the member they belong to. */
async function canSeeContribution(c: { userId: string }, ctx: Context) {
  const { caller } = ctx;
  if (caller.kind === "admin") return true;
  if (caller.kind === "integrator") return caller.scopes.has("read") || caller.scopes.has("write");
  if (caller.kind === "member") return (await ctx.currentUser()).id === c.userId;
  return false;
}

export const ContributionRef = builder.prismaNode("Contribution", {
  id: { field: "id" },
  authScopes: (c, ctx) => canSeeContribution(c, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId"),
    kind: t.expose("kind", { type: ContributionKindEnum }),
    points: t.exposeInt("points"),
    status: t.expose("status", { type: ModerationStatusEnum }),
    title: t.exposeString("title", { nullable: true }),
    url: t.exposeString("url", { nullable: true }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    moderatedAt: t.expose("moderatedAt", { type: "DateTime", nullable: true }),
    rejectionReason: t.exposeString("rejectionReason", { nullable: true }),
    user: t.relation("user"),
  }),
});

export const PointsEntryRef = builder.prismaNode("PointsEntry", {
  id: { field: "id" },
  authScopes: async (e, ctx) => canSeeContribution(e, ctx),
  description: "One line of the append-only ledger; a correction is a new REVERSAL line, never an edit.",
  fields: (t) => ({
    points: t.exposeInt("points"),
    reason: t.expose("reason", { type: LedgerReasonEnum }),
    note: t.exposeString("note", { nullable: true }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    contribution: t.relation("contribution", { nullable: true }),
  }),
});

const PointsRuleRef = builder.objectRef<{ kind: (typeof CONTRIBUTION_KINDS)[number]; points: number; configured: boolean }>("PointsRule").implement({
  authScopes: { public: true },
  description: "Default points for a contribution kind; `configured` is false while the built-in default applies.",
  fields: (t) => ({
    kind: t.expose("kind", { type: ContributionKindEnum }),
    points: t.exposeInt("points"),
    configured: t.exposeBoolean("configured"),
  }),
});

async function userIdFor(ctx: Context, externalId: string) {
  const user = await ctx.db.user.findUnique({ where: { externalId }, select: { id: true } });
  return user?.id ?? null;
}

builder.queryFields((t) => ({
  pointsRules: t.field({
    type: [PointsRuleRef],
    description: "Points per contribution kind.",
    skipTypeScopes: true,
    authScopes: { public: true },
    resolve: (_root, _args, ctx) => listPointsRules(ctx.db),
  }),
  contributions: t.prismaConnection({
    type: "Contribution",
    cursor: "id",
    description: "Contributions, newest first; filter by person, status (PENDING = the moderation queue) or program.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    args: {
      userId: t.arg.string({ required: false, validate: externalIdSchema }),
      status: t.arg({ type: ModerationStatusEnum, required: false }),
      programId: t.arg.globalID({ required: false }),
    },
    totalCount: async (_p, args, ctx) => ctx.db.contribution.count({ where: await contributionFilter(ctx, args) }),
    resolve: async (query, _p, args, ctx) =>
      ctx.db.contribution.findMany({ ...query, where: await contributionFilter(ctx, args), orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
  myContributions: t.prismaConnection({
    type: "Contribution",
    cursor: "id",
    description: "The signed-in member's contributions, newest first, with their moderation status.",
    skipTypeScopes: true,
    authScopes: { member: true },
    args: { status: t.arg({ type: ModerationStatusEnum, required: false }) },
    resolve: async (query, _p, args, ctx) =>
      ctx.db.contribution.findMany({
        ...query,
        where: { userId: (await ctx.currentUser()).id, ...(args.status ? { status: args.status } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
  pointsHistory: t.prismaConnection({
    type: "PointsEntry",
    cursor: "id",
    description: "A person's ledger, newest first. `userId` omitted = the signed-in member.",
    skipTypeScopes: true,
    authScopes: (_r, args) => (args.userId ? { admin: true, key: "read", self: args.userId } : { member: true }),
    args: { userId: t.arg.string({ required: false, validate: externalIdSchema }) },
    resolve: async (query, _p, args, ctx) => {
      const userId = args.userId ? await userIdFor(ctx, args.userId) : (await ctx.currentUser()).id;
      if (!userId) return [];
      return ctx.db.pointsEntry.findMany({ ...query, where: { userId }, orderBy: { id: "desc" } });
    },
  }),
  pointsBalance: t.int({
    description: "A person's balance: the workspace's, or one program's. `userId` omitted = the signed-in member.",
    skipTypeScopes: true,
    authScopes: (_r, args) => (args.userId ? { admin: true, key: "read", self: args.userId } : { member: true }),
    args: {
      userId: t.arg.string({ required: false, validate: externalIdSchema }),
      programId: t.arg.globalID({ required: false }),
    },
    resolve: async (_r, args, ctx) => {
      const userId = args.userId ? await userIdFor(ctx, args.userId) : (await ctx.currentUser()).id;
      if (!userId) return 0;
      const total = await ctx.db.pointsTotal.findUnique({
        where: { userId_scope: { userId, scope: args.programId?.id ?? WORKSPACE_SCOPE } },
        select: { points: true },
      });
      return total?.points ?? 0;
    },
  }),
}));

async function contributionFilter(ctx: Context, args: { userId?: string | null; status?: string | null; programId?: { id: string } | null }) {
  const userId = args.userId ? ((await userIdFor(ctx, args.userId)) ?? "-none-") : undefined;
  return {
    ...(userId ? { userId } : {}),
    ...(args.status ? { status: args.status as "PENDING" } : {}),
    ...(args.programId ? { programId: args.programId.id } : {}),
  };
}

const ContributionPayload = (name: string) =>
  builder.objectRef<{ contribution: Contribution; created?: boolean }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({
      contribution: t.field({ type: ContributionRef, resolve: (p) => p.contribution }),
      created: t.boolean({ description: "False when this externalId was seen before and nothing was added.", resolve: (p) => p.created ?? true }),
    }),
  });

const RecordContributionInput = builder.inputType("RecordContributionInput", {
  fields: (t) => ({
    userId: t.string({ validate: externalIdSchema }),
    kind: t.field({ type: ContributionKindEnum }),
    points: t.int({ required: false, description: "Overrides the kind's default points.", validate: z.number().int().min(0, "must not be negative").max(MAX_POINTS) }),
    occurredAt: t.field({ type: "DateTime", validate: occurredAtSchema }),
    externalId: t.string({ description: "Your id for this contribution; a repeat adds nothing.", validate: externalIdSchema }),
    title: t.string({ required: false, validate: z.string().trim().min(1).max(300) }),
    url: t.string({ required: false, validate: urlSchema }),
    programId: t.globalID({ required: false }),
  }),
});

builder.mutationField("recordContribution", (t) =>
  t.field({
    type: ContributionPayload("RecordContributionPayload"),
    description: "Record an approved contribution (admins, `write` keys). Idempotent by `externalId`.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: RecordContributionInput }) },
    resolve: async (_r, { input }, ctx) => {
      const result = await recordContribution(ctx, { ...input, programId: input.programId?.id ?? null });
      announceScopes(ctx.pubsub, result.scopes);
      return result;
    },
  }),
);

const SubmitContributionInput = builder.inputType("SubmitContributionInput", {
  fields: (t) => ({
    userId: t.string({ required: false, description: "Only yourself; omit it.", validate: externalIdSchema }),
    kind: t.field({ type: ContributionKindEnum }),
    occurredAt: t.field({ type: "DateTime", validate: occurredAtSchema }),
    externalId: t.string({ required: false, description: "Your own key so a retried submission is not doubled.", validate: externalIdSchema }),
    title: t.string({ validate: z.string().trim().min(1).max(300) }),
    url: t.string({ required: false, validate: urlSchema }),
    programId: t.globalID({ required: false }),
  }),
});

builder.mutationField("submitContribution", (t) =>
  t.field({
    type: ContributionPayload("SubmitContributionPayload"),
    description: "A member submits their own contribution; it waits (PENDING) for moderation and earns points on approval.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError, ForbiddenError] },
    args: { input: t.arg({ type: SubmitContributionInput }) },
    resolve: async (_r, { input }, ctx) => {
      if (ctx.caller.kind !== "member") throw new ForbiddenError("a member identity token is required");
      return submitContribution(ctx, ctx.caller.externalId, { ...input, programId: input.programId?.id ?? null });
    },
  }),
);

const ModerateContributionInput = builder.inputType("ModerateContributionInput", {
  fields: (t) => ({
    id: t.globalID(),
    decision: t.field({ type: ModerationDecision }),
    reason: t.string({ required: false, description: "Required to reject; shown to the member.", validate: z.string().trim().min(1).max(1000) }),
  }),
});

builder.mutationField("moderateContribution", (t) =>
  t.field({
    type: ContributionPayload("ModerateContributionPayload"),
    description: "Approve (credits the points) or reject (an approved one gets a REVERSAL ledger entry).",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: ModerateContributionInput }) },
    resolve: async (_r, { input }, ctx) => {
      if (input.decision === "REJECT" && !input.reason) throw new ValidationError("a reason is required to reject", "input.reason");
      const result = await moderateContribution(ctx, { id: input.id.id, decision: input.decision, reason: input.reason });
      announceScopes(ctx.pubsub, result.scopes);
      return result;
    },
  }),
);

const SetPointsRuleInput = builder.inputType("SetPointsRuleInput", {
  fields: (t) => ({
    kind: t.field({ type: ContributionKindEnum }),
    points: t.int({ validate: z.number().int().min(0, "must not be negative").max(MAX_POINTS) }),
  }),
});

builder.mutationField("setPointsRule", (t) =>
  t.field({
    type: builder.objectRef<{ rule: { kind: (typeof CONTRIBUTION_KINDS)[number]; points: number; configured: boolean } }>("SetPointsRulePayload").implement({
      authScopes: { public: true },
      fields: (f) => ({ rule: f.field({ type: PointsRuleRef, resolve: (p) => p.rule }) }),
    }),
    description: "Default points for a kind, for contributions recorded from now on (past ones keep their points).",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: {},
    args: { input: t.arg({ type: SetPointsRuleInput }) },
    resolve: async (_r, { input }, ctx) => ({ rule: await setPointsRule(ctx.db, ctx.caller, ctx.requestId, input.kind, input.points) }),
  }),
);
