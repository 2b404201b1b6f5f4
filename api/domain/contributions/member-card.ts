// A person's public card: title, points, tier and badges, masked for people who opted out.
import type { Db } from "../../db.ts";
import type { Caller } from "../../context.ts";
import type { User } from "../../gen/sqlite/client.ts";
import { canSeeIdentity } from "../users.ts";
import { WORKSPACE_SCOPE } from "../points.ts";

export interface MemberCardData {
  user: User;
  title: string | null;
  points: number;
  tier: { name: string; rank: number } | null;
  badges: { slug: string; name: string; title: string | null; icon: string | null; awardedAt: Date }[];
}

/** Title of each person's most recent active titled badge. */
export async function titlesFor(db: Db, userIds: string[]) {
  const awards = await db.badgeAward.findMany({
    where: { userId: { in: userIds }, revokedAt: null, badge: { title: { not: null }, archivedAt: null } },
    select: { userId: true, awardedAt: true, badge: { select: { title: true } } },
    orderBy: [{ awardedAt: "desc" }, { id: "desc" }],
  });
  const titles = new Map<string, string>();
  for (const a of awards) if (!titles.has(a.userId) && a.badge.title) titles.set(a.userId, a.badge.title);
  return titles;
}

export async function memberCard(db: Db, caller: Caller, externalId: string, programId: string | null): Promise<MemberCardData | null> {
  const user = await db.user.findUnique({ where: { externalId } });
  if (!user) return null;
  const [total, membership] = await Promise.all([
    db.pointsTotal.findUnique({ where: { userId_scope: { userId: user.id, scope: programId ?? WORKSPACE_SCOPE } }, select: { points: true } }),
    programId
      ? db.membership.findUnique({ where: { programId_userId: { programId, userId: user.id } }, select: { status: true, tier: { select: { name: true, rank: true } } } })
      : null,
  ]);
  const tier = membership && (membership.status === "ACTIVE" || membership.status === "PAUSED") ? membership.tier : null;
  const masked = !!user.erasedAt || (!user.showOnLeaderboards && !canSeeIdentity(caller, user));
  if (masked) return { user, title: null, points: total?.points ?? 0, tier, badges: [] };
  const awards = await db.badgeAward.findMany({
    where: { userId: user.id, revokedAt: null, badge: { archivedAt: null, ...(programId ? { OR: [{ programId }, { programId: null }] } : {}) } },
    include: { badge: true },
    orderBy: [{ awardedAt: "desc" }, { id: "desc" }],
  });
  const title = awards.find((a) => a.badge.title)?.badge.title ?? null;
  return {
    user,
    title,
    points: total?.points ?? 0,
    tier,
    badges: awards.map((a) => ({ slug: a.badge.slug, name: a.badge.name, title: a.badge.title, icon: a.badge.icon, awardedAt: a.awardedAt })),
  };
}
