// Early-access cohorts: the <pu-beta-signup> widget reads a cohort and joins it; admins run
// cohorts; integrators ask whether a user has access to a feature (featureAccess).
import { ownsRow } from "../context.ts";
import { isReader } from "../domain/users.ts";
import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { ErrorInterface } from "./errors.ts";
import { ExplanationRef, CriteriaInput, criteriaFromArgs, type CriteriaInputShape } from "./criteria.ts";
import type { Explanation } from "../domain/criteria/index.ts";
import { CapacityBelowAcceptedError, CohortClosedError, CohortNotOpenError, NotEligibleError, NotInvitedError } from "../domain/cohorts/errors.ts";
import { createCohort, updateCohort } from "../domain/cohorts/cohorts.ts";
import {
  approveEnrollment,
  cohortWindowError,
  inviteToCohort,
  joinCohort,
  leaveCohort,
  rejectEnrollment,
  waitlistPosition,
  type EnrollmentChange,
} from "../domain/cohorts/enrollment.ts";
import { hasFeatureAccess, invalidateFeatureAccess, usersWithAccess } from "../domain/cohorts/access.ts";
import { kickWebhookDelivery } from "../domain/webhooks/delivery.ts";
import { externalIdSchema } from "./users.ts";
import { coalescedRefresh } from "./live.ts";
import type { Cohort, Enrollment } from "../gen/sqlite/client.ts";

export const CohortModeEnum = builder.enumType("CohortMode", {
  values: {
    OPEN: { description: "Anyone eligible joins; seats go first come, first served." },
    INVITE_ONLY: { description: "Only members invited by an admin can join." },
    APPROVAL: { description: "Sign-ups wait as PENDING until an admin approves them." },
  } as const,
});

export const EnrollmentStatusEnum = builder.enumType("EnrollmentStatus", {
  values: ["INVITED", "PENDING", "ACCEPTED", "WAITLISTED", "REJECTED", "LEFT"] as const,
});

/** Publish, invalidate the access cache and send webhooks once the enrolment change is committed. */
export function afterEnrollmentChange(ctx: Context, change: EnrollmentChange | null, extraFeatureKeys: string[] = []) {
  for (const key of new Set([...(change ? [change.featureKey] : []), ...extraFeatureKeys])) invalidateFeatureAccess(ctx.db, key);
  if (!change && extraFeatureKeys.length === 0) return;
  if (change) ctx.pubsub.publish("cohort.changed", change.cohortId, { cohortId: change.cohortId });
  kickWebhookDelivery(ctx);
}

export const EnrollmentRef = builder.prismaNode("Enrollment", {
  id: { field: "id" },
  authScopes: (enrollment, ctx) => enrollmentScopes(ctx, enrollment),
  description: "One person's place in one cohort: visible to that person, admins and `read` keys.",
  fields: (t) => ({
    status: t.expose("status", { type: EnrollmentStatusEnum }),
    waitlistPosition: t.int({
      nullable: true,
      description: "1 for the head of the waitlist; null unless WAITLISTED.",
      resolve: (e, _args, ctx) => waitlistPosition(ctx.db, e),
    }),
    acceptedAt: t.expose("acceptedAt", { type: "DateTime", nullable: true }),
    reason: t.exposeString("reason", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    cohort: t.relation("cohort"),
    user: t.relation("user"),
  }),
});

/** The person themselves, admins and `read` keys. */
async function enrollmentScopes(ctx: Context, enrollment: Enrollment) {
  return isReader(ctx.caller) || (await ownsRow(ctx, enrollment.userId));
}

const isAdminOrReader = { admin: true, key: "read" as const };

export const CohortRef = builder.prismaNode("Cohort", {
  id: { field: "id" },
  authScopes: { public: true },
  description: "An early-access cohort for one feature. Seats, waitlist and dates are public; `myEnrollment` is the signed-in member's.",
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    featureKey: t.exposeString("featureKey"),
    capacity: t.exposeInt("capacity"),
    acceptedCount: t.exposeInt("acceptedCount"),
    seatsLeft: t.int({ resolve: (c) => Math.max(0, c.capacity - c.acceptedCount) }),
    // Counted with the cohort's own query (one statement for a whole list of cohorts).
    waitlistLength: t.relationCount("enrollments", { where: { status: "WAITLISTED" } }),
    mode: t.expose("mode", { type: CohortModeEnum }),
    opensAt: t.expose("opensAt", { type: "DateTime", nullable: true }),
    closesAt: t.expose("closesAt", { type: "DateTime", nullable: true }),
    archivedAt: t.expose("archivedAt", { type: "DateTime", nullable: true }),
    isOpen: t.boolean({ description: "Sign-ups are possible now (dates and archive).", resolve: (c) => cohortWindowError(c) === null }),
    eligibility: t.field({ type: "JSON", nullable: true, authScopes: isAdminOrReader, resolve: (c) => c.eligibility }),
    myEnrollment: t.field({
      type: EnrollmentRef,
      nullable: true,
      description: "The signed-in member's enrolment; null for anyone else.",
      resolve: async (c, _args, ctx) => {
        if (ctx.caller.kind !== "member") return null;
        const me = await ctx.currentUser();
        return ctx.db.enrollment.findUnique({ where: { cohortId_userId: { cohortId: c.id, userId: me.id } } });
      },
    }),
    enrollments: t.relatedConnection("enrollments", {
      cursor: "id",
      authScopes: isAdminOrReader,
      args: { status: t.arg({ type: EnrollmentStatusEnum, required: false }) },
      query: (args) => ({
        where: args.status ? { status: args.status } : {},
        orderBy: [{ status: "asc" }, { waitlistSeq: "asc" }, { createdAt: "asc" }],
      }),
    }),
  }),
});

// ---------- errors ----------

builder.objectType(NotEligibleError, {
  name: "NotEligibleError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  description: "The member does not meet the cohort's eligibility criteria; `explanation` shows each condition.",
  fields: (t) => ({
    summary: t.exposeString("summary"),
    explanation: t.field({ type: ExplanationRef, nullable: true, resolve: (e) => e.explanation as Explanation | null }),
  }),
});
builder.objectType(NotInvitedError, { name: "NotInvitedError", authScopes: { public: true }, interfaces: [ErrorInterface], fields: () => ({}) });
builder.objectType(CohortNotOpenError, {
  name: "CohortNotOpenError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: (t) => ({ opensAt: t.expose("opensAt", { type: "DateTime" }) }),
});
builder.objectType(CohortClosedError, {
  name: "CohortClosedError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: (t) => ({ closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }) }),
});
builder.objectType(CapacityBelowAcceptedError, {
  name: "CapacityBelowAcceptedError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString("field"),
    capacity: t.exposeInt("capacity"),
    acceptedCount: t.exposeInt("acceptedCount"),
  }),
});

// ---------- queries ----------

builder.queryFields((t) => ({
  cohort: t.prismaField({
    type: "Cohort",
    nullable: true,
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { id: t.arg.globalID({ for: CohortRef }) },
    resolve: (query, _root, args, ctx) => ctx.db.cohort.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  cohorts: t.prismaConnection({
    type: "Cohort",
    cursor: "id",
    description: "Cohorts, newest first. Archived cohorts only for admins and `read` keys with `includeArchived`.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { featureKey: t.arg.string({ required: false, validate: z.string().max(200) }), includeArchived: t.arg.boolean({ required: false }) },
    resolve: (query, _root, args, ctx) => {
      const reader = isReader(ctx.caller);
      return ctx.db.cohort.findMany({
        ...query,
        where: { ...(args.featureKey ? { featureKey: args.featureKey } : {}), ...(reader && args.includeArchived ? {} : { archivedAt: null }) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
    },
  }),
  featureAccess: t.boolean({
    description: "True when the user has an ACCEPTED enrolment in a live cohort for this feature. Served from memory; fast enough for a feature flag.",
    skipTypeScopes: true,
    authScopes: isAdminOrReader,
    args: { featureKey: t.arg.string({ validate: z.string().min(1).max(200) }), userId: t.arg.string({ validate: externalIdSchema }) },
    resolve: (_root, args, ctx) => hasFeatureAccess(ctx.db, args.featureKey, args.userId),
  }),
  featureAccessBatch: t.field({
    type: [FeatureAccessResult],
    description: "featureAccess for up to 1000 users at once, in the order given.",
    skipTypeScopes: true,
    authScopes: isAdminOrReader,
    args: {
      featureKey: t.arg.string({ validate: z.string().min(1).max(200) }),
      userIds: t.arg.stringList({ validate: z.array(externalIdSchema).max(1000) }),
    },
    resolve: async (_root, args, ctx) => {
      const users = await usersWithAccess(ctx.db, args.featureKey);
      return args.userIds.map((userId) => ({ userId, hasAccess: users.has(userId) }));
    },
  }),
}));

const FeatureAccessResult = builder.objectRef<{ userId: string; hasAccess: boolean }>("FeatureAccessResult").implement({
  authScopes: { public: true },
  fields: (t) => ({ userId: t.exposeString("userId"), hasAccess: t.exposeBoolean("hasAccess") }),
});

// ---------- admin: create and change ----------

const nameSchema = z.string().trim().min(1, "must not be empty").max(200);
const featureKeySchema = z.string().trim().min(1, "must not be empty").max(200).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only");

const CreateCohortInput = builder.inputType("CreateCohortInput", {
  fields: (t) => ({
    name: t.string({ validate: nameSchema }),
    description: t.string({ required: false, validate: z.string().max(5000) }),
    featureKey: t.string({ validate: featureKeySchema }),
    capacity: t.int({ validate: z.number().int().min(1, "must be at least 1").max(1_000_000) }),
    mode: t.field({ type: CohortModeEnum, required: false }),
    eligibility: t.field({ type: CriteriaInput, required: false, description: "Who may join: criteria evaluated for each member when they join." }),
    eligibilityJson: t.field({ type: "JSON", required: false, description: "The same criteria as stored JSON ({ all | any | metric... }); give this or eligibility." }),
    opensAt: t.field({ type: "DateTime", required: false }),
    closesAt: t.field({ type: "DateTime", required: false }),
    programId: t.globalID({ required: false }),
  }),
});

const UpdateCohortInput = builder.inputType("UpdateCohortInput", {
  fields: (t) => ({
    id: t.globalID({ for: CohortRef }),
    name: t.string({ required: false, validate: nameSchema }),
    description: t.string({ required: false, validate: z.string().max(5000) }),
    featureKey: t.string({ required: false, validate: featureKeySchema }),
    capacity: t.int({ required: false, validate: z.number().int().min(1, "must be at least 1").max(1_000_000) }),
    mode: t.field({ type: CohortModeEnum, required: false }),
    eligibility: t.field({ type: CriteriaInput, required: false, description: "Null clears the criteria (everyone eligible)." }),
    eligibilityJson: t.field({ type: "JSON", required: false }),
    opensAt: t.field({ type: "DateTime", required: false }),
    closesAt: t.field({ type: "DateTime", required: false }),
    programId: t.globalID({ required: false }),
    archived: t.boolean({ required: false }),
  }),
});

const ChangeCohortCapacityInput = builder.inputType("ChangeCohortCapacityInput", {
  fields: (t) => ({
    id: t.globalID({ for: CohortRef }),
    capacity: t.int({ validate: z.number().int().min(1, "must be at least 1").max(1_000_000) }),
  }),
});

const CohortPayload = (name: string) =>
  builder.objectRef<{ cohort: Cohort }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ cohort: t.field({ type: CohortRef, resolve: (p) => p.cohort }) }),
  });
const CreateCohortPayload = CohortPayload("CreateCohortPayload");
const UpdateCohortPayload = CohortPayload("UpdateCohortPayload");
const ChangeCohortCapacityPayload = CohortPayload("ChangeCohortCapacityPayload");

/** Parsed (validated) criteria from `eligibility` or `eligibilityJson`; undefined when neither is given. */
function eligibilityFrom(input: Record<string, unknown>) {
  return criteriaFromArgs(input.eligibility as CriteriaInputShape | null | undefined, input.eligibilityJson, "input.eligibility");
}

function optionalField<T>(input: Record<string, unknown>, key: string, value: T) {
  return key in input ? value : undefined;
}

builder.mutationFields((t) => ({
  createCohort: t.field({
    type: CreateCohortPayload,
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: CreateCohortInput }) },
    resolve: async (_root, { input }, ctx) => ({
      cohort: await createCohort(ctx, ctx.caller, ctx.requestId, {
        ...input,
        eligibility: eligibilityFrom(input as Record<string, unknown>) ?? null,
        mode: input.mode ?? undefined,
        opensAt: input.opensAt ?? null,
        closesAt: input.closesAt ?? null,
        programId: input.programId?.id ?? null,
      }),
    }),
  }),
  updateCohort: t.field({
    type: UpdateCohortPayload,
    description: "Change a cohort; fields left out stay as they are, explicit nulls clear them.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, CapacityBelowAcceptedError] },
    args: { input: t.arg({ type: UpdateCohortInput }) },
    resolve: async (_root, { input }, ctx) => {
      const raw = input as Record<string, unknown>;
      const { cohort, featureKeys } = await updateCohort(ctx, ctx.caller, ctx.requestId, input.id.id, {
        name: input.name ?? undefined,
        description: optionalField(raw, "description", input.description ?? null),
        featureKey: input.featureKey ?? undefined,
        capacity: input.capacity ?? undefined,
        mode: input.mode ?? undefined,
        eligibility: eligibilityFrom(raw),
        opensAt: optionalField(raw, "opensAt", input.opensAt ?? null),
        closesAt: optionalField(raw, "closesAt", input.closesAt ?? null),
        programId: optionalField(raw, "programId", input.programId?.id ?? null),
        archived: input.archived ?? undefined,
      });
      afterEnrollmentChange(ctx, { cohortId: cohort.id, featureKey: cohort.featureKey }, featureKeys);
      return { cohort };
    },
  }),
  changeCohortCapacity: t.field({
    type: ChangeCohortCapacityPayload,
    description: "Raising capacity promotes from the head of the waitlist; below the accepted count is refused.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, CapacityBelowAcceptedError] },
    args: { input: t.arg({ type: ChangeCohortCapacityInput }) },
    resolve: async (_root, { input }, ctx) => {
      const { cohort } = await updateCohort(ctx, ctx.caller, ctx.requestId, input.id.id, { capacity: input.capacity });
      afterEnrollmentChange(ctx, { cohortId: cohort.id, featureKey: cohort.featureKey });
      return { cohort };
    },
  }),
}));

// ---------- enrolment ----------

const CohortIdInput = (name: string) =>
  builder.inputType(name, { fields: (t) => ({ cohortId: t.globalID({ for: CohortRef }) }) });
const JoinCohortInput = CohortIdInput("JoinCohortInput");
const LeaveCohortInput = CohortIdInput("LeaveCohortInput");

const EnrollmentPayload = (name: string) =>
  builder.objectRef<{ enrollment: Enrollment }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({
      enrollment: t.field({ type: EnrollmentRef, resolve: (p) => p.enrollment }),
      cohort: t.prismaField({ type: "Cohort", resolve: (query, p, _a, ctx) => ctx.db.cohort.findUniqueOrThrow({ ...query, where: { id: p.enrollment.cohortId } }) }),
    }),
  });

const EnrollmentIdInput = (name: string, extra = false) =>
  builder.inputType(name, {
    fields: (t) => ({
      enrollmentId: t.globalID({ for: EnrollmentRef }),
      ...(extra ? { reason: t.string({ required: false, validate: z.string().max(2000) }) } : {}),
    }),
  });

const InviteToCohortInput = builder.inputType("InviteToCohortInput", {
  fields: (t) => ({ cohortId: t.globalID({ for: CohortRef }), userId: t.string({ validate: externalIdSchema }) }),
});

builder.mutationFields((t) => ({
  joinCohort: t.field({
    type: EnrollmentPayload("JoinCohortPayload"),
    description: "The signed-in member joins: ACCEPTED while seats last, then WAITLISTED; PENDING in approval mode. Joining again returns the same enrolment.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError, NotEligibleError, NotInvitedError, CohortNotOpenError, CohortClosedError] },
    args: { input: t.arg({ type: JoinCohortInput }) },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      const { enrollment, changed } = await joinCohort(ctx, me, input.cohortId.id);
      afterEnrollmentChange(ctx, changed);
      return { enrollment };
    },
  }),
  leaveCohort: t.field({
    type: EnrollmentPayload("LeaveCohortPayload"),
    description: "The signed-in member leaves; their seat goes to the head of the waitlist, who is notified.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: LeaveCohortInput }) },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      const { enrollment, changed } = await leaveCohort(ctx, me, input.cohortId.id);
      afterEnrollmentChange(ctx, changed);
      return { enrollment };
    },
  }),
  approveEnrollment: t.field({
    type: EnrollmentPayload("ApproveEnrollmentPayload"),
    description: "Approve a PENDING sign-up: a seat if one is left, else the waitlist.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: EnrollmentIdInput("ApproveEnrollmentInput") }) },
    resolve: async (_root, { input }, ctx) => {
      const { enrollment, changed } = await approveEnrollment(ctx, ctx.caller, ctx.requestId, input.enrollmentId.id);
      afterEnrollmentChange(ctx, changed);
      return { enrollment };
    },
  }),
  rejectEnrollment: t.field({
    type: EnrollmentPayload("RejectEnrollmentPayload"),
    description: "Reject a sign-up (or remove an accepted member, whose seat goes to the waitlist).",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: EnrollmentIdInput("RejectEnrollmentInput", true) }) },
    resolve: async (_root, { input }, ctx) => {
      const { enrollment, changed } = await rejectEnrollment(ctx, ctx.caller, ctx.requestId, input.enrollmentId.id, (input as { reason?: string | null }).reason);
      afterEnrollmentChange(ctx, changed);
      return { enrollment };
    },
  }),
  inviteToCohort: t.field({
    type: EnrollmentPayload("InviteToCohortPayload"),
    description: "Invite a person (by externalId): they can then join, skipping eligibility and approval.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: InviteToCohortInput }) },
    resolve: async (_root, { input }, ctx) => {
      const { enrollment, changed } = await inviteToCohort(ctx, ctx.caller, ctx.requestId, input.cohortId.id, input.userId);
      afterEnrollmentChange(ctx, changed);
      return { enrollment };
    },
  }),
}));

// ---------- live updates ----------

builder.subscriptionField("cohortChanged", (t) =>
  t.field({
    type: CohortRef,
    nullable: true,
    description:
      "The cohort now, then again whenever its seats, waitlist or settings change (server-sent events), so a sign-up page shows seats left live. Null once it no longer exists.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { id: t.arg.globalID({ for: CohortRef }) },
    subscribe: (_root, args, ctx) => coalescedRefresh(() => ({ value: args.id.id, changes: ctx.pubsub.subscribe("cohort.changed", args.id.id) })),
    resolve: (id, _args, ctx) => ctx.db.cohort.findUnique({ where: { id } }),
  }),
);
