// Users: the people of the host product, keyed by their externalId.
import { z } from "zod";
import { builder } from "../builder.ts";
import { canSeeIdentity, publicName, upsertUser } from "../domain/users.ts";

const ANONYMOUS_EXTERNAL_ID = "anonymous";
import { NotFoundError } from "../errors.ts";
import type { Context } from "../context.ts";
import type { User } from "../gen/sqlite/client.ts";

export const externalIdSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .regex(/^[^\s\u0000-\u001f]+$/, "must not contain spaces or control characters");

const attributesSchema = z
  .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((o) => Object.keys(o).length <= 50, "at most 50 attributes");

/** Private fields: the person themselves, admins, and API keys with `read`. */
const privateField = (externalIdOf: (u: { externalId: string }) => string) => ({
  authScopes: (user: { externalId: string }) => ({ admin: true, key: "read" as const, self: externalIdOf(user) }),
});

export const UserRef = builder.prismaNode("User", {
  id: { field: "id" },
  authScopes: { public: true },
  description:
    "A person of the host product. Public fields show what a leaderboard shows; the rest is visible to the person, admins and `read` keys.",
  fields: (t) => ({
    externalId: t.string({
      description: "The host product's id for this person; `anonymous` where the person shows as an anonymous member (it would name them).",
      select: { externalId: true, showOnLeaderboards: true, erasedAt: true },
      resolve: (user, _args, ctx) =>
        user.erasedAt || (!user.showOnLeaderboards && !canSeeIdentity(ctx.caller, user)) ? ANONYMOUS_EXTERNAL_ID : user.externalId,
    }),
    displayName: t.string({
      description: "The name to show; `Anonymous member` for people who opted out, except to themselves and admins.",
      select: { displayName: true, showOnLeaderboards: true, erasedAt: true },
      resolve: (user, _args, ctx) => publicName(ctx.caller, user),
    }),
    isAnonymous: t.boolean({
      description: "True when this caller sees the person as an anonymous member.",
      select: { showOnLeaderboards: true, erasedAt: true },
      resolve: (user, _args, ctx) => !!user.erasedAt || (!user.showOnLeaderboards && !canSeeIdentity(ctx.caller, user)),
    }),
    email: t.exposeString("email", { nullable: true, ...privateField((u) => u.externalId) }),
    team: t.exposeString("team", { nullable: true, ...privateField((u) => u.externalId) }),
    manager: t.relation("manager", { nullable: true, ...privateField((u) => u.externalId) }),
    attributes: t.field({
      type: "JSON",
      ...privateField((u) => u.externalId),
      select: { attributes: true },
      resolve: (user) => user.attributes ?? {},
    }),
    showOnLeaderboards: t.exposeBoolean("showOnLeaderboards", privateField((u) => u.externalId)),
    firstSeenAt: t.expose("firstSeenAt", { type: "DateTime", ...privateField((u) => u.externalId) }),
    lastActiveAt: t.expose("lastActiveAt", { type: "DateTime", nullable: true, ...privateField((u) => u.externalId) }),
  }),
});

builder.queryFields((t) => ({
  users: t.prismaConnection({
    type: "User",
    cursor: "id",
    description: "Everyone the platform knows, newest first; `search` matches externalId, name and email.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    totalCount: (_parent, args, ctx) => ctx.db.user.count({ where: userFilter(ctx, args.search, args.team) }),
    args: {
      search: t.arg.string({ required: false, validate: z.string().max(200) }),
      team: t.arg.string({ required: false, validate: z.string().max(100) }),
    },
    resolve: (query, _parent, args, ctx) =>
      ctx.db.user.findMany({
        ...query,
        where: userFilter(ctx, args.search, args.team),
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
  user: t.prismaField({
    type: "User",
    nullable: true,
    description: "One person by the host's externalId.",
    skipTypeScopes: true,
    authScopes: (_parent, args) => ({ admin: true, key: "read", self: args.externalId }),
    args: { externalId: t.arg.string({ validate: externalIdSchema }) },
    resolve: (query, _parent, args, ctx) => ctx.db.user.findUnique({ ...query, where: { externalId: args.externalId } }),
  }),
  me: t.prismaField({
    type: "User",
    description: "The signed-in member (from their identity token); created on first sight.",
    skipTypeScopes: true,
    authScopes: { member: true },
    resolve: async (query, _parent, _args, ctx) => {
      const user = await ctx.currentUser();
      return ctx.db.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
}));

function userFilter(ctx: Context, search?: string | null, team?: string | null) {
  const insensitive = ctx.dialect === "postgres" ? ({ mode: "insensitive" } as const) : {};
  const text = search?.trim();
  return {
    ...(team ? { team } : {}),
    ...(text
      ? {
          OR: [
            { externalId: { contains: text, ...insensitive } },
            { displayName: { contains: text, ...insensitive } },
            { email: { contains: text, ...insensitive } },
          ],
        }
      : {}),
  };
}

const UpsertUserInput = builder.inputType("UpsertUserInput", {
  fields: (t) => ({
    externalId: t.string({ validate: externalIdSchema }),
    displayName: t.string({ required: false, validate: z.string().trim().min(1).max(200) }),
    email: t.string({ required: false, validate: z.string().trim().max(320).pipe(z.email("must be a valid email address")) }),
    team: t.string({ required: false, validate: z.string().trim().min(1).max(100) }),
    managerExternalId: t.string({ required: false, validate: externalIdSchema }),
    attributes: t.field({ type: "JSON", required: false, validate: attributesSchema }),
    showOnLeaderboards: t.boolean({ required: false }),
  }),
});

const UpsertUserPayload = builder.objectRef<{ user: User }>("UpsertUserPayload").implement({
  authScopes: { public: true },
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (p) => p.user }) }),
});

builder.mutationField("upsertUser", (t) =>
  t.field({
    type: UpsertUserPayload,
    description: "Create or update a person by externalId (admins and `write` keys). Unknown managers are created.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: UpsertUserInput }) },
    resolve: async (_root, { input }, ctx) => ({
      user: await upsertUser(ctx.db, ctx.caller, ctx.requestId, input as Parameters<typeof upsertUser>[3]),
    }),
  }),
);

const UpdateMyProfileInput = builder.inputType("UpdateMyProfileInput", {
  fields: (t) => ({
    displayName: t.string({ required: false, validate: z.string().trim().min(1).max(200) }),
    showOnLeaderboards: t.boolean({
      required: false,
      description: "False keeps your place on leaderboards but shows you as an anonymous member.",
    }),
  }),
});

const UpdateMyProfilePayload = builder.objectRef<{ user: User }>("UpdateMyProfilePayload").implement({
  authScopes: { public: true },
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (p) => p.user }) }),
});

builder.mutationField("updateMyProfile", (t) =>
  t.field({
    type: UpdateMyProfilePayload,
    description: "A member changes their own name or leaderboard visibility.",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: {},
    args: { input: t.arg({ type: UpdateMyProfileInput }) },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      const user = await ctx.db.user.update({
        where: { id: me.id },
        data: {
          displayName: input.displayName ?? undefined,
          showOnLeaderboards: input.showOnLeaderboards ?? undefined,
        },
      });
      return { user };
    },
  }),
);
