// Nominations and invitations: members nominate, admins review with the nominee's current
// explanation, invitations carry a personal message with the evidence.
import { ownsRow } from "../context.ts";
import { isReader } from "../domain/users.ts";
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import DataLoader from "dataloader";
import { evaluateCriteriaForUsers, parseCriteria, type Explanation } from "../domain/criteria/index.ts";
import { dayOf } from "../domain/days.ts";
import { draftInvitation, respondToInvitation, revokeInvitation, sendInvitation, PLACEHOLDERS } from "../domain/programs/invitations.ts";
import { nominate, reviewNomination } from "../domain/programs/nominations.ts";
import { ExplanationRef } from "./criteria.ts";
import { idOf, visibleProgram } from "./programs.ts";
import { MembershipRef } from "./program-members.ts";
import type { Context } from "../context.ts";
import type { Invitation, Membership, Nomination } from "../gen/sqlite/client.ts";

const NominationKindEnum = builder.enumType("NominationKind", { values: ["SELF", "PEER", "MANAGER"] as const });
const NominationStatusEnum = builder.enumType("NominationStatus", { values: ["PENDING", "ACCEPTED", "DECLINED"] as const });
const InvitationStatusEnum = builder.enumType("InvitationStatus", { values: ["SENT", "ACCEPTED", "DECLINED", "EXPIRED", "REVOKED"] as const });

/** Nominees' explanations, batched per program into one criteria query per request. */
const explanationLoaders = new WeakMap<Context, DataLoader<string, Explanation>>();
function explanationLoader(ctx: Context) {
  let loader = explanationLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, Explanation>(async (keys) => {
      const byProgram = new Map<string, string[]>();
      for (const key of keys) {
        const [programId, userId] = key.split("|") as [string, string];
        byProgram.set(programId, [...(byProgram.get(programId) ?? []), userId]);
      }
      const results = new Map<string, Explanation>();
      for (const [programId, userIds] of byProgram) {
        const program = await ctx.db.program.findUniqueOrThrow({ where: { id: programId }, select: { criteria: true } });
        const explained = await evaluateCriteriaForUsers(ctx.db, ctx.dialect, userIds, parseCriteria(program.criteria), { asOfDay: dayOf(new Date()), programId });
        for (const [userId, e] of explained) results.set(`${programId}|${userId}`, e);
      }
      return keys.map((k) => results.get(k)!);
    });
    explanationLoaders.set(ctx, loader);
  }
  return loader;
}


export const NominationRef = builder.prismaNode("Nomination", {
  id: { field: "id" },
  // Admins and readers; a member sees the nominations they made.
  authScopes: async (n, ctx) => isReader(ctx.caller) || (await ownsRow(ctx, (n as Nomination).nominatorId)),
  fields: (t) => ({
    program: t.relation("program"),
    nominee: t.relation("nominee"),
    nominator: t.relation("nominator"),
    kind: t.field({ type: NominationKindEnum, resolve: (n) => n.kind }),
    reason: t.exposeString("reason"),
    status: t.field({ type: NominationStatusEnum, resolve: (n) => n.status }),
    reviewNote: t.exposeString("reviewNote", { nullable: true }),
    reviewedAt: t.expose("reviewedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    invitation: t.relation("invitation", { nullable: true }),
    explanation: t.field({
      type: ExplanationRef,
      description: "The nominee against the program's criteria today, for review side by side with the reason.",
      authScopes: { admin: true, key: "read" },
      select: { programId: true, nomineeId: true },
      resolve: (n, _a, ctx) => explanationLoader(ctx).load(`${n.programId}|${n.nomineeId}`),
    }),
  }),
});

export const InvitationRef = builder.prismaNode("Invitation", {
  id: { field: "id" },
  authScopes: async (i, ctx) => isReader(ctx.caller) || (await ownsRow(ctx, (i as Invitation).userId)),
  fields: (t) => ({
    program: t.relation("program"),
    user: t.relation("user"),
    message: t.exposeString("message"),
    evidence: t.field({ type: "JSON", description: "The explanation and metric values the message was rendered from.", resolve: (i) => i.evidence }),
    status: t.field({ type: InvitationStatusEnum, resolve: (i) => i.status }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    respondedAt: t.expose("respondedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    nomination: t.relation("nomination", { nullable: true, authScopes: { admin: true, key: "read" } }),
  }),
});

builder.queryFields((t) => ({
  nominations: t.prismaConnection({
    type: "Nomination",
    cursor: "id",
    description: "Nominations for a program to review, oldest first; each shows the nominee's current explanation.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    args: { programId: t.arg.globalID(), status: t.arg({ type: NominationStatusEnum, required: false }) },
    totalCount: (_p, args, ctx) => ctx.db.nomination.count({ where: { programId: args.programId.id, ...(args.status ? { status: args.status } : {}) } }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.nomination.findMany({ ...query, where: { programId: idOf(args.programId, "Program"), ...(args.status ? { status: args.status } : {}) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  }),
  myInvitations: t.prismaField({
    type: ["Invitation"],
    description: "The signed-in member's invitations, newest first (open ones unless includeAnswered).",
    skipTypeScopes: true,
    authScopes: { member: true },
    args: { includeAnswered: t.arg.boolean({ required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const me = await ctx.currentUser();
      return ctx.db.invitation.findMany({
        ...query,
        where: { userId: me.id, ...(args.includeAnswered ? {} : { status: "SENT", expiresAt: { gt: new Date() } }) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
    },
  }),
  invitationPlaceholders: t.stringList({
    description: "Placeholders an invitation template may use, e.g. {{firstName}}.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    resolve: () => PLACEHOLDERS.map((p) => `{{${p}}}`),
  }),
}));

// ---------- preview and send ----------

const templateSchema = z.string().min(1).max(5000);
const InvitationInput = builder.inputType("SendInvitationInput", {
  fields: (t) => ({
    programId: t.globalID(),
    userId: t.string({ description: "The invitee's externalId." }),
    template: t.string({ required: false, validate: templateSchema, description: "Overrides the program's template for this invitation." }),
    expiresInDays: t.int({ required: false, validate: z.number().int().min(1).max(365) }),
  }),
});

interface Preview {
  message: string;
  evidence: unknown;
  explanation: import("../domain/criteria/index.ts").Explanation;
  expiresAt: Date;
}
const InvitationPreviewRef = builder.objectRef<Preview>("InvitationPreview").implement({
  authScopes: { public: true },
  fields: (t) => ({
    message: t.exposeString("message"),
    evidence: t.field({ type: "JSON", resolve: (p) => p.evidence }),
    explanation: t.field({ type: ExplanationRef, resolve: (p) => p.explanation }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

builder.queryField("previewInvitation", (t) =>
  t.field({
    type: InvitationPreviewRef,
    description: "Render the personal message for a person without sending it.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: InvitationInput }) },
    resolve: async (_root, { input }, ctx) => {
      const draft = await draftInvitation(ctx.db, ctx.dialect, { ...input, programId: idOf(input.programId, "Program") });
      return { message: draft.message, evidence: JSON.parse(JSON.stringify(draft.evidence)), explanation: draft.evidence.explanation, expiresAt: draft.expiresAt };
    },
  }),
);

const InvitationPayload = (name: string) =>
  builder.objectRef<{ invitation: Invitation; membership?: Membership | null }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({
      invitation: t.field({ type: InvitationRef, resolve: (p) => p.invitation }),
      membership: t.field({ type: MembershipRef, nullable: true, resolve: (p) => p.membership ?? null }),
    }),
  });

const NominationPayload = (name: string) =>
  builder.objectRef<{ nomination: Nomination; invitation?: Invitation | null }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({
      nomination: t.field({ type: NominationRef, resolve: (p) => p.nomination }),
      invitation: t.field({ type: InvitationRef, nullable: true, resolve: (p) => p.invitation ?? null }),
    }),
  });

const reasonSchema = z.string().trim().min(3, "give a reason of at least 3 characters").max(2000);

builder.mutationFields((t) => ({
  sendInvitation: t.field({
    type: InvitationPayload("SendInvitationPayload"),
    description: "Send a personal invitation; the host receives an `invitation.created` webhook to deliver it.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: InvitationInput }) },
    resolve: async (_root, { input }, ctx) => ({ invitation: await sendInvitation(ctx, { ...input, programId: idOf(input.programId, "Program") }) }),
  }),
  revokeInvitation: t.field({
    type: InvitationPayload("RevokeInvitationPayload"),
    description: "Withdraw an open invitation, with a reason (audited).",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError] },
    args: {
      input: t.arg({
        type: builder.inputType("RevokeInvitationInput", { fields: (f) => ({ invitationId: f.globalID(), reason: f.string({ validate: reasonSchema }) }) }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({ invitation: await revokeInvitation(ctx, { invitationId: idOf(input.invitationId, "Invitation"), reason: input.reason }) }),
  }),
  respondToInvitation: t.field({
    type: InvitationPayload("RespondToInvitationPayload"),
    description: "The invitee accepts (becoming an ACTIVE member) or declines.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError, ConflictError, ForbiddenError] },
    args: {
      input: t.arg({
        type: builder.inputType("RespondToInvitationInput", {
          fields: (f) => ({ invitationId: f.globalID(), accept: f.boolean(), reason: f.string({ required: false, validate: z.string().max(1000) }) }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      const { invitation, membershipId } = await respondToInvitation(ctx, me, { invitationId: idOf(input.invitationId, "Invitation"), accept: input.accept, reason: input.reason });
      const membership = membershipId ? await ctx.db.membership.findUnique({ where: { id: membershipId } }) : null;
      return { invitation, membership };
    },
  }),
  nominate: t.field({
    type: NominationPayload("NominatePayload"),
    description: "A member nominates themselves (SELF), a peer (PEER), or someone who reports to them (MANAGER), with a reason.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError, ConflictError, ForbiddenError] },
    args: {
      input: t.arg({
        type: builder.inputType("NominateInput", {
          fields: (f) => ({
            programId: f.globalID(),
            nomineeId: f.string({ description: "The nominee's externalId (your own for SELF)." }),
            kind: f.field({ type: NominationKindEnum }),
            reason: f.string({ validate: reasonSchema }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      await visibleProgram(ctx, { programId: input.programId });
      return { nomination: await nominate(ctx, me, { ...input, programId: idOf(input.programId, "Program") }) };
    },
  }),
  reviewNomination: t.field({
    type: NominationPayload("ReviewNominationPayload"),
    description: "Accept (sends an invitation rendered from the template) or decline (note required) a nomination.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError, ConflictError] },
    args: {
      input: t.arg({
        type: builder.inputType("ReviewNominationInput", {
          fields: (f) => ({
            nominationId: f.globalID(),
            accept: f.boolean(),
            note: f.string({ required: false, validate: z.string().trim().min(1).max(2000) }),
            template: f.string({ required: false, validate: templateSchema }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => reviewNomination(ctx, { ...input, nominationId: idOf(input.nominationId, "Nomination") }),
  }),
}));

