// Memberships: admit (enforcing fit), pause, resume, remove; a member leaves by themselves.
import { ownsRow } from "../context.ts";
import { isReader } from "../domain/users.ts";
import { z } from "zod";
import { builder } from "../builder.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { CriteriaNotMetError } from "../domain/programs/errors.ts";
import { addMember, setMemberStatus } from "../domain/programs/memberships.ts";
import { canSeeProgram } from "../domain/programs/programs.ts";
import { idOf, MembershipStatusEnum, visibleProgram } from "./programs.ts";
import type { Context } from "../context.ts";
import type { Membership } from "../gen/sqlite/client.ts";

export const MembershipSourceEnum = builder.enumType("MembershipSource", { values: ["CRITERIA", "NOMINATION", "INVITATION", "SELF", "OVERRIDE", "IMPORT"] as const });

/** Admins, `read` keys and the member themselves. */
async function canSeeMembership(ctx: Context, m: Pick<Membership, "userId">) {
  const { caller } = ctx;
  return isReader(caller) || (await ownsRow(ctx, m.userId));
}

export const MembershipRef = builder.prismaNode("Membership", {
  id: { field: "id" },
  authScopes: (m, ctx) => canSeeMembership(ctx, m as Membership),
  description: "A person in a program, with status, source, tier and (for overrides) who admitted them and why.",
  fields: (t) => ({
    program: t.relation("program"),
    user: t.relation("user"),
    status: t.field({ type: MembershipStatusEnum, resolve: (m) => m.status }),
    source: t.field({ type: MembershipSourceEnum, resolve: (m) => m.source }),
    tier: t.relation("tier", { nullable: true }),
    tierSince: t.expose("tierSince", { type: "DateTime", nullable: true }),
    belowTierSince: t.expose("belowTierSince", { type: "DateTime", nullable: true, description: "Set while the member is below their tier's criteria; demotion waits out the grace period." }),
    overrideReason: t.exposeString("overrideReason", { nullable: true, description: "Why an admin admitted someone who did not meet the criteria." }),
    overrideBy: t.exposeString("overrideBy", { nullable: true }),
    statusReason: t.exposeString("statusReason", { nullable: true }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
    tierChanges: t.relation("tierChanges", { query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } }),
  }),
});

builder.prismaObject("TierChange", {
  authScopes: { public: true },
  description: "One change of tier, with its reason (readable where the membership is).",
  fields: (t) => ({
    id: t.exposeID("id"),
    fromTier: t.relation("fromTier", { nullable: true }),
    toTier: t.relation("toTier", { nullable: true }),
    reason: t.exposeString("reason"),
    actor: t.exposeString("actor", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const MembershipPayload = (name: string) =>
  builder.objectRef<{ membership: Membership }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ membership: t.field({ type: MembershipRef, resolve: (p) => p.membership }) }),
  });

const reasonSchema = z.string().trim().min(3, "give a reason of at least 3 characters").max(1000);
const memberWrite = { skipTypeScopes: true, authScopes: { admin: true, key: "write" as const } };

const AddMemberInput = builder.inputType("AddMemberInput", {
  fields: (t) => ({
    programId: t.globalID(),
    userId: t.string({ description: "The person's externalId." }),
    overrideReason: t.string({ required: false, validate: reasonSchema, description: "Admit someone who does not meet the criteria; audited and shown on the membership." }),
  }),
});
const MemberStatusInput = builder.inputType("MemberStatusInput", {
  fields: (t) => ({
    programId: t.globalID(),
    userId: t.string(),
    reason: t.string({ required: false, validate: reasonSchema }),
  }),
});
const RemoveMemberInput = builder.inputType("RemoveMemberInput", {
  fields: (t) => ({ programId: t.globalID(), userId: t.string(), reason: t.string({ validate: reasonSchema }) }),
});
const LeaveProgramInput = builder.inputType("LeaveProgramInput", {
  fields: (t) => ({ programId: t.globalID(), reason: t.string({ required: false, validate: z.string().trim().max(1000) }) }),
});

async function userIdOf(ctx: Context, externalId: string) {
  const user = await ctx.db.user.findUnique({ where: { externalId }, select: { id: true } });
  if (!user) throw new NotFoundError("User", externalId);
  return user.id;
}

builder.mutationFields((t) => ({
  addMember: t.field({
    type: MembershipPayload("AddMemberPayload"),
    description: "Admit a person. Someone who fails the criteria is refused with CriteriaNotMetError unless overrideReason is given.",
    ...memberWrite,
    errors: { types: [CriteriaNotMetError, NotFoundError, ConflictError] },
    args: { input: t.arg({ type: AddMemberInput }) },
    resolve: async (_root, { input }, ctx) => ({
      membership: await addMember(ctx, { programId: idOf(input.programId, "Program"), userId: input.userId, overrideReason: input.overrideReason }),
    }),
  }),
  pauseMember: t.field({
    type: MembershipPayload("PauseMemberPayload"),
    ...memberWrite,
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: MemberStatusInput }) },
    resolve: async (_root, { input }, ctx) => ({
      membership: await setMemberStatus(ctx, { programId: idOf(input.programId, "Program"), userId: await userIdOf(ctx, input.userId), status: "PAUSED", reason: input.reason }),
    }),
  }),
  resumeMember: t.field({
    type: MembershipPayload("ResumeMemberPayload"),
    ...memberWrite,
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: MemberStatusInput }) },
    resolve: async (_root, { input }, ctx) => ({
      membership: await setMemberStatus(ctx, { programId: idOf(input.programId, "Program"), userId: await userIdOf(ctx, input.userId), status: "ACTIVE", reason: input.reason }),
    }),
  }),
  removeMember: t.field({
    type: MembershipPayload("RemoveMemberPayload"),
    description: "Remove a member, with a reason (kept on the membership and in the audit log).",
    ...memberWrite,
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: RemoveMemberInput }) },
    resolve: async (_root, { input }, ctx) => ({
      membership: await setMemberStatus(ctx, { programId: idOf(input.programId, "Program"), userId: await userIdOf(ctx, input.userId), status: "REMOVED", reason: input.reason }),
    }),
  }),
  leaveProgram: t.field({
    type: MembershipPayload("LeaveProgramPayload"),
    description: "The signed-in member leaves a program.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: { types: [NotFoundError, ConflictError] },
    args: { input: t.arg({ type: LeaveProgramInput }) },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      return { membership: await setMemberStatus(ctx, { programId: idOf(input.programId, "Program"), userId: me.id, status: "LEFT", reason: input.reason }) };
    },
  }),
}));

builder.queryFields((t) => ({
  myMemberships: t.prismaField({
    type: ["Membership"],
    description: "The signed-in member's programs (active and paused).",
    skipTypeScopes: true,
    authScopes: { member: true },
    resolve: async (query, _root, _args, ctx) => {
      const me = await ctx.currentUser();
      return ctx.db.membership.findMany({ ...query, where: { userId: me.id, status: { in: ["ACTIVE", "PAUSED"] } }, orderBy: { joinedAt: "asc" } });
    },
  }),
  membership: t.prismaField({
    type: "Membership",
    nullable: true,
    description: "One person's membership of a program (admins, `read` keys, the person).",
    skipTypeScopes: true,
    authScopes: (_root, args) => ({ admin: true, key: "read", self: args.userId }),
    args: { programId: t.arg.globalID(), userId: t.arg.string() },
    resolve: async (query, _root, args, ctx) => {
      const program = await visibleProgram(ctx, args).catch(() => null);
      if (!program || !canSeeProgram(ctx.caller, program)) return null;
      const user = await ctx.db.user.findUnique({ where: { externalId: args.userId }, select: { id: true } });
      if (!user) return null;
      return ctx.db.membership.findUnique({ ...query, where: { programId_userId: { programId: program.id, userId: user.id } } });
    },
  }),
}));
