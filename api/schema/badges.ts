// Badges and titles: definitions with threshold rules, awards by rule or by hand, revocation,
// `User.title`, and the public member card that <pu-badge> shows.
import { z } from "zod";
import DataLoader from "dataloader";
import { builder } from "../builder.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { CriteriaInput, criteriaFromArgs, type CriteriaInputShape } from "./criteria.ts";
import { assertRule, awardBadge, createBadge, evaluateBadgeForEveryone, revokeBadge } from "../domain/contributions/badges.ts";
import { memberCard, titlesFor, type MemberCardData } from "../domain/contributions/member-card.ts";
import { canSeeIdentity } from "../domain/users.ts";
import type { Badge, BadgeAward } from "../gen/sqlite/client.ts";
import type { Context } from "../context.ts";
import { UserRef, externalIdSchema } from "./users.ts";
import { canReadBoard } from "./leaderboards.ts";

export const BadgeRef = builder.prismaNode("Badge", {
  id: { field: "id" },
  authScopes: { public: true },
  fields: (t) => ({
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    title: t.exposeString("title", { nullable: true, description: "The title this badge confers, shown next to the member's name." }),
    icon: t.exposeString("icon", { nullable: true }),
    rule: t.field({ type: "JSON", nullable: true, description: "Threshold rule; null = awarded by hand only.", resolve: (b) => b.rule ?? null }),
    archivedAt: t.expose("archivedAt", { type: "DateTime", nullable: true }),
    holders: t.relationCount("awards", { where: { revokedAt: null }, description: "People holding the badge now." }),
  }),
});

export const BadgeAwardRef = builder.prismaNode("BadgeAward", {
  id: { field: "id" },
  authScopes: { public: true },
  fields: (t) => ({
    badge: t.relation("badge"),
    user: t.relation("user"),
    reason: t.exposeString("reason", { nullable: true }),
    awardedAt: t.expose("awardedAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, authScopes: { admin: true, key: "read" } }),
    revokedReason: t.exposeString("revokedReason", { nullable: true, authScopes: { admin: true, key: "read" } }),
  }),
});

export const TierSummaryRef = builder.objectRef<{ name: string; rank: number }>("TierSummary").implement({
  authScopes: { public: true },
  description: "A tier's name and rank (1 = entry tier).",
  fields: (t) => ({ name: t.exposeString("name"), rank: t.exposeInt("rank") }),
});

const MemberBadgeRef = builder.objectRef<MemberCardData["badges"][number]>("MemberBadge").implement({
  authScopes: { public: true },
  fields: (t) => ({
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    title: t.exposeString("title", { nullable: true }),
    icon: t.exposeString("icon", { nullable: true }),
    awardedAt: t.expose("awardedAt", { type: "DateTime" }),
  }),
});

const MemberCardRef = builder.objectRef<MemberCardData>("MemberCard").implement({
  authScopes: { public: true },
  description: "What a badge widget shows about a person. For people who opted out: an anonymous member, without title or badges.",
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (c) => c.user }),
    title: t.exposeString("title", { nullable: true }),
    points: t.exposeInt("points"),
    tier: t.field({ type: TierSummaryRef, nullable: true, resolve: (c) => c.tier }),
    badges: t.field({ type: [MemberBadgeRef], resolve: (c) => c.badges }),
  }),
});

const titleLoaders = new WeakMap<Context, DataLoader<string, string | null>>();
function titleLoader(ctx: Context) {
  let loader = titleLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const titles = await titlesFor(ctx.db, [...ids]);
      return ids.map((id) => titles.get(id) ?? null);
    });
    titleLoaders.set(ctx, loader);
  }
  return loader;
}

builder.prismaObjectFields("User", (t) => ({
  title: t.string({
    nullable: true,
    description: "The title of this person's most recent titled badge (\"Product Champion\"); hidden for people who opted out.",
    select: { id: true, showOnLeaderboards: true, erasedAt: true, externalId: true },
    resolve: (user, _args, ctx) => {
      if (user.erasedAt || (!user.showOnLeaderboards && !canSeeIdentity(ctx.caller, user))) return null;
      return titleLoader(ctx).load(user.id);
    },
  }),
}));

builder.queryFields((t) => ({
  badges: t.prismaConnection({
    type: "Badge",
    cursor: "id",
    description: "Badges, oldest first; with `programId` only that program's (and not the workspace's).",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { programId: t.arg.globalID({ required: false }), includeArchived: t.arg.boolean({ required: false }) },
    resolve: (query, _p, args, ctx) =>
      ctx.db.badge.findMany({
        ...query,
        where: {
          ...(args.programId ? { programId: args.programId.id } : {}),
          ...(args.includeArchived ? {} : { archivedAt: null }),
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
  }),
  memberCard: t.field({
    type: MemberCardRef,
    nullable: true,
    description: "A person's public card (title, points, tier, badges). `userId` omitted = the signed-in member. Null for unknown people.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: {
      userId: t.arg.string({ required: false, validate: externalIdSchema }),
      program: t.arg.string({ required: false, description: "A program's slug: its points, tier and badges.", validate: z.string().max(100) }),
    },
    resolve: async (_r, args, ctx) => {
      const externalId = args.userId ?? (ctx.caller.kind === "member" ? ctx.caller.externalId : null);
      if (!externalId) return null;
      const program = args.program ? await ctx.db.program.findUnique({ where: { slug: args.program }, select: { id: true } }) : null;
      if (args.program && !program) return null;
      if (program && !(await canReadBoard(ctx, program.id))) return null;
      return memberCard(ctx.db, ctx.caller, externalId, program?.id ?? null);
    },
  }),
}));

const BadgeRuleInput = builder.inputType("BadgeRuleInput", {
  description: "Every part given must hold: at least `points.gte` points (in the badge's program, else the workspace) and at least `contributions.gte` approved contributions (of `kind`).",
  fields: (t) => ({
    points: t.field({ type: builder.inputType("PointsThresholdInput", { fields: (f) => ({ gte: f.int({ validate: z.number().int().min(1).max(100_000_000) }) }) }), required: false }),
    contributions: t.field({
      type: builder.inputType("ContributionsThresholdInput", {
        fields: (f) => ({
          kind: f.field({ type: "ContributionKind" as never, required: false }),
          gte: f.int({ validate: z.number().int().min(1).max(1_000_000) }),
        }),
      }),
      required: false,
    }),
  }),
});

const slugSchema = z.string().trim().min(1).max(80).regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes");
const CreateBadgeInput = builder.inputType("CreateBadgeInput", {
  fields: (t) => ({
    slug: t.string({ validate: slugSchema }),
    name: t.string({ validate: z.string().trim().min(1).max(100) }),
    description: t.string({ required: false, validate: z.string().trim().max(1000) }),
    title: t.string({ required: false, validate: z.string().trim().min(1).max(60) }),
    icon: t.string({ required: false, description: "An emoji or an https URL.", validate: z.string().trim().max(500) }),
    programId: t.globalID({ required: false }),
    rule: t.field({ type: BadgeRuleInput, required: false, description: "A threshold rule. Omit both rule and criteria for a badge awarded by hand only." }),
    criteria: t.field({ type: CriteriaInput, required: false, description: "A criteria rule (the programs' language: usage, points, contributions, attributes, tiers), instead of `rule`." }),
  }),
});

const BadgePayload = builder.objectRef<{ badge: Badge; awarded: number }>("CreateBadgePayload").implement({
  authScopes: { public: true },
  fields: (t) => ({
    badge: t.field({ type: BadgeRef, resolve: (p) => p.badge }),
    awarded: t.exposeInt("awarded", { description: "People who already met the rule and got the badge now." }),
  }),
});

function cleanRule(rule: { points?: { gte: number } | null; contributions?: { kind?: unknown; gte: number } | null } | null | undefined) {
  if (!rule) return null;
  return assertRule({
    ...(rule.points ? { points: rule.points } : {}),
    ...(rule.contributions ? { contributions: { gte: rule.contributions.gte, ...(rule.contributions.kind ? { kind: rule.contributions.kind } : {}) } } : {}),
  });
}

builder.mutationField("createBadge", (t) =>
  t.field({
    type: BadgePayload,
    description: "Define a badge. With a rule, everyone who already meets it is awarded at once.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: CreateBadgeInput }) },
    resolve: (_r, { input }, ctx) => {
      if (input.rule && input.criteria) throw new ValidationError("give rule or criteria, not both", "input.criteria");
      const criteria = criteriaFromArgs(input.criteria as CriteriaInputShape | null | undefined, undefined, "input.criteria") ?? null;
      return createBadge(ctx, { ...input, programId: input.programId?.id ?? null, rule: cleanRule(input.rule), criteria });
    },
  }),
);

builder.mutationField("evaluateBadge", (t) =>
  t.field({
    type: BadgePayload,
    description: "Award a rule badge to everyone who meets its rule now and does not hold it (after a change in usage or rules).",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: builder.inputType("EvaluateBadgeInput", { fields: (f) => ({ id: f.globalID() }) }) }) },
    resolve: async (_r, { input }, ctx) => {
      const badge = await ctx.db.badge.findUnique({ where: { id: input.id.id } });
      if (!badge) throw new NotFoundError("Badge", input.id.id);
      const awarded = await ctx.db.$transaction((tx) => evaluateBadgeForEveryone(tx, ctx.dialect, badge), { timeout: 60_000 });
      return { badge, awarded };
    },
  }),
);

const AwardInput = (name: string) =>
  builder.inputType(name, {
    fields: (t) => ({
      badgeId: t.globalID(),
      userId: t.string({ validate: externalIdSchema }),
      reason: t.string({ validate: z.string().trim().min(1, "a reason is required").max(1000) }),
    }),
  });
const AwardPayload = (name: string) =>
  builder.objectRef<{ award: BadgeAward }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ award: t.field({ type: BadgeAwardRef, resolve: (p) => p.award }) }),
  });

builder.mutationField("awardBadge", (t) =>
  t.field({
    type: AwardPayload("AwardBadgePayload"),
    description: "Award a badge by hand, with the reason shown in the recognition feed's webhook.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: AwardInput("AwardBadgeInput") }) },
    resolve: async (_r, { input }, ctx) => ({ award: await awardBadge(ctx, { ...input, badgeId: input.badgeId.id }) }),
  }),
);

builder.mutationField("revokeBadge", (t) =>
  t.field({
    type: AwardPayload("RevokeBadgePayload"),
    description: "Revoke a badge with a reason; its title no longer shows. Rules do not award it again.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: AwardInput("RevokeBadgeInput") }) },
    resolve: async (_r, { input }, ctx) => ({ award: await revokeBadge(ctx, { ...input, badgeId: input.badgeId.id }) }),
  }),
);

