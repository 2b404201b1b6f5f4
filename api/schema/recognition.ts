// The public recognition feed: badges awarded, tier promotions, published stories, newest first.
import { isReader } from "../domain/users.ts";
import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { BadgeRef, TierSummaryRef } from "./badges.ts";
import "./stories.ts";

const RecognitionKindEnum = builder.enumType("RecognitionKind", { values: ["BADGE_AWARDED", "TIER_PROMOTED", "STORY_PUBLISHED", "MEMBER_JOINED"] as const });

builder.prismaNode("RecognitionEvent", {
  id: { field: "id" },
  authScopes: { public: true },
  description: "One moment of recognition. People who opted out show as an anonymous member.",
  fields: (t) => ({
    kind: t.expose("kind", { type: RecognitionKindEnum }),
    message: t.exposeString("message", { description: "What happened, without the person's name (e.g. `earned the Helper badge`)." }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    user: t.relation("user"),
    badge: t.field({
      type: BadgeRef,
      nullable: true,
      select: { badgeAward: { select: { badge: true } } },
      resolve: (e) => e.badgeAward?.badge ?? null,
    }),
    tier: t.field({
      type: TierSummaryRef,
      nullable: true,
      select: { tier: { select: { name: true, rank: true } } },
      resolve: (e) => e.tier,
    }),
    story: t.relation("story", { nullable: true }),
  }),
});

/** Anonymous callers and members see the workspace's and public programs' moments only. */
async function feedFilter(ctx: Context, slug: string | null | undefined) {
  const base = { OR: [{ badgeAwardId: null }, { badgeAward: { revokedAt: null } }], user: { erasedAt: null } };
  const isAdmin = isReader(ctx.caller);
  if (!slug) return isAdmin ? base : { ...base, AND: [{ OR: [{ programId: null }, { program: { visibility: "PUBLIC" as const } }] }] };
  const program = await ctx.db.program.findUnique({ where: { slug }, select: { id: true, visibility: true } });
  const visible =
    program && (isAdmin || program.visibility === "PUBLIC" || (program.visibility === "MEMBERS" && ctx.caller.kind === "member"));
  return { ...base, programId: visible ? program.id : "-none-" };
}

builder.queryField("recognitionFeed", (t) =>
  t.prismaConnection({
    type: "RecognitionEvent",
    cursor: "id",
    description: "Public recognition, newest first; `program` (a slug) narrows to one program. Revoked badges drop out.",
    skipTypeScopes: true,
    authScopes: { public: true },
    args: { program: t.arg.string({ required: false, validate: z.string().max(100) }) },
    resolve: async (query, _p, args, ctx) =>
      ctx.db.recognitionEvent.findMany({ ...query, where: await feedFilter(ctx, args.program), orderBy: [{ occurredAt: "desc" }, { id: "desc" }] }),
  }),
);
