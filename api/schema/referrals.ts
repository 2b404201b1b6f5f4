// Referrals: members and integrators submit; admins move them to qualified, converted
// (with a value; the referrer earns the REFERRAL points) or lost; conversion per program.
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import { referralStats, submitReferral, updateReferralStatus } from "../domain/contributions/referrals.ts";
import { announceScopes } from "../domain/contributions/shared.ts";
import type { Referral } from "../gen/sqlite/client.ts";
import type { Context } from "../context.ts";
import { externalIdSchema } from "./users.ts";

const ReferralStatusEnum = builder.enumType("ReferralStatus", { values: ["SUBMITTED", "QUALIFIED", "CONVERTED", "LOST"] as const });

async function canSeeReferral(r: Pick<Referral, "referrerId">, ctx: Context) {
  const { caller } = ctx;
  if (caller.kind === "admin") return true;
  if (caller.kind === "integrator") return caller.scopes.has("read") || caller.scopes.has("write");
  if (caller.kind === "member") return (await ctx.currentUser()).id === r.referrerId;
  return false;
}

const ReferralRef = builder.prismaNode("Referral", {
  id: { field: "id" },
  authScopes: (r, ctx) => canSeeReferral(r, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { nullable: true }),
    referrer: t.relation("referrer"),
    contactName: t.exposeString("contactName"),
    contactEmail: t.exposeString("contactEmail", { nullable: true }),
    company: t.exposeString("company", { nullable: true }),
    status: t.expose("status", { type: ReferralStatusEnum }),
    value: t.exposeFloat("value", { nullable: true }),
    currency: t.exposeString("currency", { nullable: true }),
    lostReason: t.exposeString("lostReason", { nullable: true }),
    convertedAt: t.expose("convertedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const ReferralStatsRef = builder.objectRef<Awaited<ReturnType<typeof referralStats>>>("ReferralStats").implement({
  authScopes: { public: true },
  fields: (t) => ({
    total: t.exposeInt("total"),
    submitted: t.exposeInt("submitted"),
    qualified: t.exposeInt("qualified"),
    converted: t.exposeInt("converted"),
    lost: t.exposeInt("lost"),
    conversionRate: t.exposeFloat("conversionRate", { description: "converted / total (0 when there are none)." }),
    closedConversionRate: t.exposeFloat("closedConversionRate", { description: "converted / (converted + lost): the rate among decided referrals." }),
    convertedValue: t.exposeFloat("convertedValue", { description: "Sum of converted values (currencies are not converted)." }),
  }),
});

builder.queryFields((t) => ({
  referrals: t.prismaConnection({
    type: "Referral",
    cursor: "id",
    description: "Referrals, newest first.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    args: { programId: t.arg.globalID({ required: false }), status: t.arg({ type: ReferralStatusEnum, required: false }) },
    totalCount: (_p, args, ctx) =>
      ctx.db.referral.count({ where: { ...(args.programId ? { programId: args.programId.id } : {}), ...(args.status ? { status: args.status } : {}) } }),
    resolve: (query, _p, args, ctx) =>
      ctx.db.referral.findMany({
        ...query,
        where: { ...(args.programId ? { programId: args.programId.id } : {}), ...(args.status ? { status: args.status } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
  myReferrals: t.prismaConnection({
    type: "Referral",
    cursor: "id",
    skipTypeScopes: true,
    authScopes: { member: true },
    resolve: async (query, _p, _a, ctx) =>
      ctx.db.referral.findMany({ ...query, where: { referrerId: (await ctx.currentUser()).id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
  referralStats: t.field({
    type: ReferralStatsRef,
    description: "Counts by status and conversion rate, for one program or (without programId) all referrals.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    args: { programId: t.arg.globalID({ required: false }) },
    resolve: (_r, args, ctx) => referralStats(ctx.db, args.programId?.id ?? null),
  }),
}));

const ReferralPayload = (name: string) =>
  builder.objectRef<{ referral: Referral }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ referral: t.field({ type: ReferralRef, resolve: (p) => p.referral }) }),
  });

builder.mutationField("submitReferral", (t) =>
  t.field({
    type: ReferralPayload("SubmitReferralPayload"),
    description: "A member refers a contact (as themselves), or an integrator on a member's behalf (`userId`). Idempotent by `externalId`.",
    skipTypeScopes: true,
    authScopes: { member: true, admin: true, key: "write" },
    errors: { types: [NotFoundError, ForbiddenError] },
    args: {
      input: t.arg({
        type: builder.inputType("SubmitReferralInput", {
          fields: (f) => ({
            userId: f.string({ required: false, description: "The referrer; required for keys and admins.", validate: externalIdSchema }),
            externalId: f.string({ required: false, validate: externalIdSchema }),
            programId: f.globalID({ required: false }),
            contactName: f.string({ validate: z.string().trim().min(1).max(200) }),
            contactEmail: f.string({ required: false, validate: z.string().trim().max(320).pipe(z.email("must be a valid email address")) }),
            company: f.string({ required: false, validate: z.string().trim().min(1).max(200) }),
          }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) => ({ referral: await submitReferral(ctx, { ...input, programId: input.programId?.id ?? null }) }),
  }),
);

builder.mutationField("updateReferralStatus", (t) =>
  t.field({
    type: ReferralPayload("UpdateReferralStatusPayload"),
    description: "SUBMITTED -> QUALIFIED -> CONVERTED (needs `value`; awards the REFERRAL points), or LOST from either.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError] },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateReferralStatusInput", {
          fields: (f) => ({
            id: f.globalID(),
            status: f.field({ type: ReferralStatusEnum }),
            value: f.float({ required: false, validate: z.number().min(0, "must not be negative").max(1e12) }),
            currency: f.string({ required: false, validate: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR") }),
            reason: f.string({ required: false, validate: z.string().trim().min(1).max(1000) }),
          }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const result = await updateReferralStatus(ctx, { ...input, id: input.id.id });
      announceScopes(ctx.pubsub, result.scopes);
      return result;
    },
  }),
);
