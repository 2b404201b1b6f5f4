// Tiers: define them, evaluate them on demand, and show a member their progress.
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { createTier, evaluateTiers, tierProgress, updateTier } from "../domain/programs/tiers.ts";
import type { ConditionResult } from "../domain/criteria/index.ts";
import { CriteriaConditionRef, CriteriaInput, ConditionResultRef, criteriaFromArgs, conditionsOfStored, type CriteriaInputShape } from "./criteria.ts";
import { idOf, myProgramView, ProgramRef, programVisibleById } from "./programs.ts";
import { MembershipRef } from "./program-members.ts";
import type { Membership, Program, Tier } from "../gen/sqlite/client.ts";

const benefitsOf = (t: Pick<Tier, "benefits">) => (Array.isArray(t.benefits) ? (t.benefits as string[]) : []);

export const TierRef = builder.prismaNode("Tier", {
  id: { field: "id" },
  authScopes: (tier, ctx) => programVisibleById(ctx, (tier as Tier).programId),
  description: "A level in a program (1 is the entry tier), with entry criteria and benefits. Visible wherever its program is.",
  fields: (t) => ({
    name: t.exposeString("name"),
    rank: t.exposeInt("rank"),
    description: t.exposeString("description", { nullable: true }),
    benefits: t.stringList({ resolve: benefitsOf }),
    criteria: t.field({ type: "JSON", nullable: true, resolve: (tier) => tier.criteria ?? null }),
    criteriaConditions: t.field({ type: [CriteriaConditionRef], resolve: (tier) => conditionsOfStored(tier.criteria) }),
    program: t.relation("program"),
  }),
});

const tierFields = {
  name: z.string().trim().min(1).max(80),
  benefits: z.array(z.string().trim().min(1).max(200)).max(20),
  description: z.string().trim().max(2000),
};

const CreateTierInput = builder.inputType("CreateTierInput", {
  fields: (t) => ({
    programId: t.globalID(),
    name: t.string({ validate: tierFields.name }),
    rank: t.int({ validate: z.number().int().min(1).max(100), description: "1 is the entry tier; higher is better. Unique per program." }),
    description: t.string({ required: false, validate: tierFields.description }),
    criteria: t.field({ type: CriteriaInput, required: false, description: "Entry criteria; none means everyone in the program qualifies." }),
    criteriaJson: t.field({ type: "JSON", required: false }),
    benefits: t.stringList({ required: false, validate: tierFields.benefits }),
  }),
});
const UpdateTierInput = builder.inputType("UpdateTierInput", {
  fields: (t) => ({
    id: t.globalID(),
    name: t.string({ required: false, validate: tierFields.name }),
    rank: t.int({ required: false, validate: z.number().int().min(1).max(100) }),
    description: t.string({ required: false, validate: tierFields.description }),
    criteria: t.field({ type: CriteriaInput, required: false }),
    criteriaJson: t.field({ type: "JSON", required: false }),
    benefits: t.stringList({ required: false, validate: tierFields.benefits }),
  }),
});

const TierPayload = (name: string) =>
  builder.objectRef<{ tier: Tier }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ tier: t.field({ type: TierRef, resolve: (p) => p.tier }) }),
  });

interface TierEvaluationResult {
  program: Program;
  promoted: number;
  demoted: number;
  inGrace: number;
  unchanged: number;
  changes: string[];
}
const EvaluateTiersPayload = builder.objectRef<TierEvaluationResult>("EvaluateTiersPayload").implement({
  authScopes: { public: true },
  fields: (t) => ({
    program: t.field({ type: ProgramRef, resolve: (r) => r.program }),
    promoted: t.exposeInt("promoted"),
    demoted: t.exposeInt("demoted"),
    inGrace: t.exposeInt("inGrace", { description: "Members below their tier's criteria, waiting out the grace period." }),
    unchanged: t.exposeInt("unchanged"),
    changes: t.exposeStringList("changes", { description: "Each change as `externalId: reason`." }),
  }),
});

const write = { skipTypeScopes: true, authScopes: { admin: true, key: "write" as const } };

builder.mutationFields((t) => ({
  createTier: t.field({
    type: TierPayload("CreateTierPayload"),
    ...write,
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: CreateTierInput }) },
    resolve: async (_root, { input }, ctx) => {
      const criteria = criteriaFromArgs(input.criteria as CriteriaInputShape | undefined, input.criteriaJson) ?? null;
      return { tier: await createTier(ctx.db, ctx.caller, ctx.requestId, idOf(input.programId, "Program"), { ...input, criteria }) };
    },
  }),
  updateTier: t.field({
    type: TierPayload("UpdateTierPayload"),
    ...write,
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: UpdateTierInput }) },
    resolve: async (_root, { input }, ctx) => {
      const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
      const criteria = has("criteria") || has("criteriaJson") ? criteriaFromArgs(input.criteria as CriteriaInputShape | null | undefined, input.criteriaJson) : undefined;
      return {
        tier: await updateTier(ctx.db, ctx.caller, ctx.requestId, idOf(input.id, "Tier"), {
          name: input.name ?? undefined, rank: input.rank ?? undefined, description: input.description, benefits: input.benefits, criteria,
        }),
      };
    },
  }),
  evaluateTiers: t.field({
    type: EvaluateTiersPayload,
    description: "Evaluate every active member's tier now (the server also does this hourly). Promotes at once; demotes after the program's grace period.",
    ...write,
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: builder.inputType("EvaluateTiersInput", { fields: (f) => ({ programId: f.globalID() }) }) }) },
    resolve: async (_root, { input }, ctx) => {
      const programId = idOf(input.programId, "Program");
      const result = await evaluateTiers(ctx.db, ctx.dialect, programId, { actor: ctx.caller.actor });
      const program = await ctx.db.program.findUniqueOrThrow({ where: { id: programId } });
      return { ...result, program };
    },
  }),
}));

interface TierProgressResult {
  program: Program;
  membership: Membership;
  currentTier: Tier | null;
  nextTier: Tier | null;
  conditions: ConditionResult[];
  passed: boolean;
}
const TierProgressRef = builder.objectRef<TierProgressResult>("TierProgress").implement({
  authScopes: { public: true },
  description: "Where a member stands: their tier, the next one, and each of its conditions against their current value.",
  fields: (t) => ({
    program: t.field({ type: ProgramRef, resolve: (p) => p.program }),
    membership: t.field({ type: MembershipRef, resolve: (p) => p.membership }),
    currentTier: t.field({ type: TierRef, nullable: true, resolve: (p) => p.currentTier }),
    nextTier: t.field({ type: TierRef, nullable: true, description: "Null at the top tier; conditions then show what keeps the current one.", resolve: (p) => p.nextTier }),
    conditions: t.field({ type: [ConditionResultRef], resolve: (p) => p.conditions }),
    nextTierReached: t.boolean({ description: "True when the next tier's criteria are met (promotion follows at the next evaluation).", resolve: (p) => p.passed }),
  }),
});

builder.queryField("tierProgress", (t) =>
  t.field({
    type: TierProgressRef,
    nullable: true,
    description: "The signed-in member's progress in a program (by slug or id); null when they are not a member.",
    skipTypeScopes: true,
    authScopes: { member: true },
    args: { program: t.arg.string({ required: false, validate: z.string().max(100) }), programId: t.arg.globalID({ required: false }) },
    resolve: (_root, args, ctx) => myProgramView(ctx, args, (programId, userId) => tierProgress(ctx.db, ctx.dialect, programId, userId)),
  }),
);
