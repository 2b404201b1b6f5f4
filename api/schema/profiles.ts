// What a member's profile shows next to their name in widgets and reports: current badges and
// latest approved contributions, loaded with their parents by plugin-prisma (no N+1).
import { builder } from "../builder.ts";
import { canSeeIdentity } from "../domain/users.ts";

const MAX_RECENT = 20;

builder.prismaObjectFields("User", (t) => ({
  badges: t.relation("badgeAwards", {
    description: "Badges held now, newest first. Public unless the person shows as an anonymous member.",
    query: { where: { revokedAt: null }, orderBy: { awardedAt: "desc" } },
    authScopes: (user, _args, ctx) => (user.showOnLeaderboards && !user.erasedAt) || canSeeIdentity(ctx.caller, user),
  }),
  recentContributions: t.relation("contributions", {
    description: "Latest approved contributions, newest first (at most 20).",
    args: { first: t.arg.int({ required: false, defaultValue: 3 }) },
    query: (args) => ({
      where: { status: "APPROVED" },
      orderBy: { occurredAt: "desc" },
      take: Math.min(Math.max(args.first ?? 3, 1), MAX_RECENT),
    }),
    authScopes: (user) => ({ admin: true, key: "read", self: user.externalId }),
  }),
}));
