// Programs: the program node, create/update/archive, criteria explanations and candidates.
import { z } from "zod";
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { builder, MAX_PAGE_SIZE } from "../builder.ts";
import { dayArg } from "../domain/usage/window.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { CriteriaNotMetError } from "../domain/programs/errors.ts";
import { archiveProgram, canSeeProgram, createProgram, updateProgram, visibleProgramsFilter } from "../domain/programs/programs.ts";
import { evaluateCriteria, findCandidates, parseCriteria, type Explanation } from "../domain/criteria/index.ts";
import { ErrorInterface } from "./errors.ts";
import { UserRef } from "./users.ts";
import { ExplanationRef, ConditionResultRef, CriteriaConditionRef, CriteriaInput, criteriaFromArgs, conditionsOfStored, type CriteriaInputShape } from "./criteria.ts";
import type { Context } from "../context.ts";
import type { Program } from "../gen/sqlite/client.ts";

export const ProgramKindEnum = builder.enumType("ProgramKind", { values: ["COMMUNITY", "ADVOCACY", "EARLY_ACCESS", "REFERENCE", "ADVISORY_BOARD", "CHAMPIONS"] as const });
export const VisibilityEnum = builder.enumType("Visibility", {
  description: "PUBLIC: anyone; MEMBERS: signed-in members; PRIVATE: admins and `read` keys.",
  values: ["PUBLIC", "MEMBERS", "PRIVATE"] as const,
});

builder.objectType(CriteriaNotMetError, {
  name: "CriteriaNotMetError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  description: "The person does not meet the program's criteria; nothing was written. Give an overrideReason to admit them anyway.",
  fields: (t) => ({
    userId: t.exposeString("userId"),
    explanation: t.field({ type: ExplanationRef, resolve: (e) => e.explanation }),
    failedConditions: t.field({ type: [ConditionResultRef], resolve: (e) => e.explanation.conditions.filter((c) => !c.passed) }),
  }),
});

/** A global ID argument of the expected type, as a database id. */
export function idOf(gid: { typename: string; id: string }, typename: string) {
  if (gid.typename !== typename) throw new NotFoundError(typename, `${gid.typename}:${gid.id}`);
  return gid.id;
}

/** Reads a program the caller may see (by id or slug), or throws NotFoundError. */
export async function visibleProgram(ctx: Context, args: { programId?: { typename: string; id: string } | null; program?: string | null }) {
  const where = args.programId ? { id: idOf(args.programId, "Program") } : args.program ? { slug: args.program } : null;
  if (!where) throw new ValidationError("give programId or program (slug)", "programId");
  const program = await ctx.db.program.findUnique({ where: where as { id: string } });
  if (!program || !canSeeProgram(ctx.caller, program)) throw new NotFoundError("Program", args.programId?.id ?? args.program ?? "");
  return program;
}

/** The signed-in member's own view of a program (by slug or id): null when the program is unknown or hidden from them, or `read` finds nothing (not a member). */
export async function myProgramView<T extends object>(
  ctx: Context,
  args: Parameters<typeof visibleProgram>[1],
  read: (programId: string, userId: string) => Promise<T | null>,
) {
  const program = await visibleProgram(ctx, args).catch(() => null);
  if (!program) return null;
  const me = await ctx.currentUser();
  const view = await read(program.id, me.id);
  return view ? { program, ...view } : null;
}

/** Tiers and steps are visible where their program is; one lookup per program and request. */
export function programVisibleById(ctx: Context, programId: string) {
  const cache = (programVisibility.get(ctx) ?? new Map<string, Promise<boolean>>());
  programVisibility.set(ctx, cache);
  let seen = cache.get(programId);
  if (!seen) {
    seen = ctx.db.program.findUnique({ where: { id: programId }, select: { visibility: true } }).then((p) => !!p && canSeeProgram(ctx.caller, p));
    cache.set(programId, seen);
  }
  return seen;
}
const programVisibility = new WeakMap<Context, Map<string, Promise<boolean>>>();

const adminOrReader = { admin: true, key: "read" as const };

export const ProgramRef = builder.prismaNode("Program", {
  id: { field: "id" },
  authScopes: (program, ctx) => canSeeProgram(ctx.caller, program as Program),
  description: "A program (community, advocacy, early access...), separate from the others: a group within a group.",
  fields: (t) => ({
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    kind: t.field({ type: ProgramKindEnum, resolve: (p) => p.kind }),
    visibility: t.field({ type: VisibilityEnum, resolve: (p) => p.visibility }),
    description: t.exposeString("description", { nullable: true }),
    owner: t.relation("owner", { nullable: true }),
    criteria: t.field({ type: "JSON", nullable: true, description: "The criteria tree as stored ({ all | any | condition }).", resolve: (p) => p.criteria ?? null }),
    criteriaConditions: t.field({ type: [CriteriaConditionRef], description: "Every condition of the criteria, in order.", resolve: (p) => conditionsOfStored(p.criteria) }),
    demotionGraceDays: t.exposeInt("demotionGraceDays"),
    invitationTemplate: t.exposeString("invitationTemplate", { nullable: true, authScopes: { admin: true, key: "read" } }),
    invitationExpiryDays: t.exposeInt("invitationExpiryDays"),
    archivedAt: t.expose("archivedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    tiers: t.relation("tiers", { query: { orderBy: { rank: "asc" } } }),
    onboardingSteps: t.relation("onboardingSteps", { query: { orderBy: { position: "asc" } } }),
    memberCount: t.relationCount("memberships", { where: { status: "ACTIVE" } }),
    members: t.relatedConnection("memberships", {
      cursor: "id",
      authScopes: adminOrReader,
      args: { status: t.arg({ type: MembershipStatusEnum, required: false }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ joinedAt: "asc" }, { id: "asc" }] }),
      totalCount: true,
    }),
  }),
});

export const MembershipStatusEnum = builder.enumType("MembershipStatus", { values: ["INVITED", "ACTIVE", "PAUSED", "LEFT", "REMOVED"] as const });

builder.queryFields((t) => ({
  program: t.prismaField({
    type: "Program",
    nullable: true,
    description: "One program by slug or id; null when it does not exist or the caller may not see it.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { slug: t.arg.string({ required: false, validate: z.string().max(100) }), id: t.arg.globalID({ required: false }) },
    resolve: async (query, _root, args, ctx) => {
      if (!args.slug && !args.id) return null;
      if (args.id && args.id.typename !== "Program") return null;
      const program = await ctx.db.program.findUnique({ ...query, where: args.id ? { id: args.id.id } : { slug: args.slug! } });
      return program && canSeeProgram(ctx.caller, program) ? program : null;
    },
  }),
  programs: t.prismaConnection({
    type: "Program",
    cursor: "id",
    description: "Programs the caller may see: anonymous callers see PUBLIC ones, members also MEMBERS ones; admins and `read` keys all (archived too with includeArchived).",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { includeArchived: t.arg.boolean({ required: false }) },
    totalCount: (_p, args, ctx) => ctx.db.program.count({ where: programsWhere(ctx, args.includeArchived) }),
    resolve: (query, _root, args, ctx) => ctx.db.program.findMany({ ...query, where: programsWhere(ctx, args.includeArchived), orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  }),
  evaluateCriteria: t.field({
    type: ExplanationRef,
    description: "The program's criteria explained for one person (admins, `read` keys, and the person themselves).",
    skipTypeScopes: true,
    authScopes: (_root, args) => ({ admin: true, key: "read", self: args.userId }),
    errors: { types: [NotFoundError] },
    args: { programId: t.arg.globalID(), userId: t.arg.string(), asOf: t.arg({ type: "Date", required: false }) },
    resolve: async (_root, args, ctx): Promise<Explanation> => {
      const program = await visibleProgram(ctx, args);
      const user = await ctx.db.user.findUnique({ where: { externalId: args.userId }, select: { id: true } });
      if (!user) throw new NotFoundError("User", args.userId);
      return evaluateCriteria(ctx.db, ctx.dialect, user.id, parseCriteria(program.criteria), { asOfDay: dayArg(args.asOf, "asOf"), programId: program.id });
    },
  }),
}));

function programsWhere(ctx: Context, includeArchived?: boolean | null) {
  const base = visibleProgramsFilter(ctx.caller);
  if ("visibility" in base) return base;
  return includeArchived ? {} : { archivedAt: null };
}

// ---------- candidates ----------

interface CandidateRow {
  userId: string;
  score: number;
  explanation: Explanation;
}
const CandidateRef = builder.objectRef<CandidateRow>("Candidate").implement({
  authScopes: adminOrReader,
  description: "Someone who meets the criteria and is not in the program, with how far they exceed the thresholds.",
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: async (c, _a, ctx) => (await ctx.loaders.userById.load(c.userId))! }),
    score: t.float({ description: "Sum over conditions of (actual - threshold) / threshold; an any-group counts its best passing branch.", resolve: (c) => c.score }),
    explanation: t.field({ type: ExplanationRef, resolve: (c) => c.explanation }),
  }),
});

builder.queryField("candidates", (t) =>
  t.connection(
    {
      type: CandidateRef,
      description: "People who meet the program's criteria and are not members (nor invited), best first. One SQL statement over the rollups.",
      skipTypeScopes: true,
      authScopes: adminOrReader,
      args: { programId: t.arg.globalID(), asOf: t.arg({ type: "Date", required: false }) },
      resolve: async (_root, args, ctx) => {
        const program = await visibleProgram(ctx, args);
        const criteria = parseCriteria(program.criteria);
        let totalCount = 0;
        const connection = await resolveOffsetConnection({ args, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, async ({ offset, limit }) => {
          const page = await findCandidates(ctx.db, ctx.dialect, criteria, { programId: program.id, asOfDay: dayArg(args.asOf, "asOf"), offset, limit });
          totalCount = page.totalCount;
          return page.candidates;
        });
        return { ...connection, totalCount };
      },
    },
    { name: "CandidateConnection", fields: (c) => ({ totalCount: c.int({ resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount }) }) },
  ),
);

// ---------- create / update / archive ----------

const slugSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "lowercase letters, digits and dashes, at most 64");
const nameSchema = z.string().trim().min(1, "must not be empty").max(120);
const descriptionSchema = z.string().trim().max(5000);

const CreateProgramInput = builder.inputType("CreateProgramInput", {
  fields: (t) => ({
    name: t.string({ validate: nameSchema }),
    slug: t.string({ validate: slugSchema }),
    kind: t.field({ type: ProgramKindEnum }),
    visibility: t.field({ type: VisibilityEnum, required: false }),
    description: t.string({ required: false, validate: descriptionSchema }),
    ownerId: t.string({ required: false, description: "The owner's externalId." }),
    criteria: t.field({ type: CriteriaInput, required: false }),
    criteriaJson: t.field({ type: "JSON", required: false, description: "The same tree as JSON, e.g. copied from another program's `criteria`." }),
    demotionGraceDays: t.int({ required: false, validate: z.number().int().min(0).max(365) }),
    invitationTemplate: t.string({ required: false, description: "Placeholders: {{firstName}}, {{program.name}}, {{activeDays}}, {{advancedFeatures}}, {{evidence}}, ..." }),
    invitationExpiryDays: t.int({ required: false, validate: z.number().int().min(1).max(365) }),
  }),
});

const UpdateProgramInput = builder.inputType("UpdateProgramInput", {
  fields: (t) => ({
    id: t.globalID(),
    name: t.string({ required: false, validate: nameSchema }),
    slug: t.string({ required: false, validate: slugSchema }),
    kind: t.field({ type: ProgramKindEnum, required: false }),
    visibility: t.field({ type: VisibilityEnum, required: false }),
    description: t.string({ required: false, validate: descriptionSchema }),
    ownerId: t.string({ required: false }),
    criteria: t.field({ type: CriteriaInput, required: false, description: "Replaces the criteria; null removes them." }),
    criteriaJson: t.field({ type: "JSON", required: false }),
    demotionGraceDays: t.int({ required: false, validate: z.number().int().min(0).max(365) }),
    invitationTemplate: t.string({ required: false }),
    invitationExpiryDays: t.int({ required: false, validate: z.number().int().min(1).max(365) }),
  }),
});

export const ProgramPayload = (name: string) =>
  builder.objectRef<{ program: Program }>(name).implement({
    authScopes: { public: true },
    fields: (t) => ({ program: t.field({ type: ProgramRef, resolve: (p) => p.program }) }),
  });

const programWrite = { skipTypeScopes: true, authScopes: { admin: true, key: "write" as const } };

builder.mutationFields((t) => ({
  createProgram: t.field({
    type: ProgramPayload("CreateProgramPayload"),
    description: "Define a program (admins and `write` keys). A taken slug is a ConflictError; bad criteria a ValidationError naming the path.",
    ...programWrite,
    errors: { types: [ConflictError, NotFoundError] },
    args: { input: t.arg({ type: CreateProgramInput }) },
    resolve: async (_root, { input }, ctx) => {
      const criteria = criteriaFromArgs(input.criteria as CriteriaInputShape | undefined, input.criteriaJson) ?? null;
      const program = await createProgram(ctx.db, ctx.caller, ctx.requestId, { ...input, criteria });
      return { program };
    },
  }),
  updateProgram: t.field({
    type: ProgramPayload("UpdateProgramPayload"),
    ...programWrite,
    errors: { types: [ConflictError, NotFoundError] },
    args: { input: t.arg({ type: UpdateProgramInput }) },
    resolve: async (_root, { input }, ctx) => {
      const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
      const criteria = has("criteria") || has("criteriaJson") ? criteriaFromArgs(input.criteria as CriteriaInputShape | null | undefined, input.criteriaJson) : undefined;
      const { id, criteriaJson: _j, ...rest } = input;
      const program = await updateProgram(ctx.db, ctx.caller, ctx.requestId, idOf(id, "Program"), {
        ...rest,
        name: rest.name ?? undefined, slug: rest.slug ?? undefined, kind: rest.kind ?? undefined,
        criteria: criteria === undefined ? undefined : criteria,
      });
      return { program };
    },
  }),
  archiveProgram: t.field({
    type: ProgramPayload("ArchiveProgramPayload"),
    description: "Archive a program: it keeps its history but leaves lists and takes no new members.",
    ...programWrite,
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: builder.inputType("ArchiveProgramInput", { fields: (f) => ({ id: f.globalID() }) }) }) },
    resolve: async (_root, { input }, ctx) => ({ program: await archiveProgram(ctx.db, ctx.caller, ctx.requestId, idOf(input.id, "Program")) }),
  }),
}));
