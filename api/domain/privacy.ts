// Privacy: everything held about one person (export), and erasure of their personal data.
// Erasure keeps the anonymous aggregates (ledger, points totals, usage rollups, votes,
// memberships and tiers) so leaderboards and reports stay consistent: the user row stays,
// with erasedAt set and an anonymised externalId, and is shown as an anonymous member.
import { randomBytes } from "node:crypto";
import type { Db } from "../db.ts";
import type { Caller } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { recordAudit } from "./audit.ts";

export const ERASED_TEXT = "[erased]";

/** Everything about a person, by the host's externalId, as plain JSON; null if unknown. */
export async function exportUserData(db: Db, externalId: string) {
  const user = await db.user.findUnique({
    where: { externalId },
    include: {
      manager: { select: { externalId: true } },
      reports: { select: { externalId: true } },
      usageEvents: { orderBy: { occurredAt: "asc" }, include: { feature: { select: { key: true } } } },
      usageDaily: { orderBy: [{ day: "asc" }, { featureId: "asc" }] },
      userDays: { orderBy: { day: "asc" } },
      memberships: { include: { program: { select: { slug: true } }, tier: { select: { name: true } }, tierChanges: true } },
      ownedPrograms: { select: { id: true, slug: true, name: true } },
      nominationsMade: true,
      nominationsGot: true,
      invitations: true,
      onboardingProgress: true,
      contributions: { orderBy: { occurredAt: "asc" } },
      pointsEntries: { orderBy: { id: "asc" } },
      pointsTotals: true,
      badgeAwards: { include: { badge: { select: { slug: true, name: true } } } },
      recognitions: true,
      enrollments: true,
      feedback: { include: { statusChanges: true } },
      feedbackVotes: true,
      stories: true,
      referrals: true,
      notifications: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!user) return null;
  const [usageSessions, auditAbout, auditBy] = await Promise.all([
    db.usageSession.findMany({ where: { userId: user.id } }),
    db.auditLog.findMany({ where: { targetType: "User", targetId: externalId }, orderBy: { createdAt: "asc" } }),
    db.auditLog.findMany({ where: { actorId: `member:${externalId}` }, orderBy: { createdAt: "asc" } }),
  ]);
  return JSON.parse(
    JSON.stringify({
      exportedAt: new Date().toISOString(),
      ...user,
      usageSessions,
      auditLog: { about: auditAbout, by: auditBy },
    }),
  ) as Record<string, unknown>;
}

export interface EraseInput {
  userId: string;
  reason: string;
}

export async function eraseUser(db: Db, caller: Caller, requestId: string, input: EraseInput) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { externalId: input.userId } });
    if (!user) throw new NotFoundError("User", input.userId);
    const anonymousId = `erased-${randomBytes(9).toString("base64url")}`;
    const id = user.id;

    const erased = await tx.user.update({
      where: { id },
      data: {
        externalId: anonymousId,
        displayName: null,
        email: null,
        attributes: {},
        managerId: null,
        showOnLeaderboards: false,
        lastActiveAt: null,
        erasedAt: new Date(),
      },
    });
    // Raw, personal records: gone. Rollups (UsageDaily, UserDay) and the ledger stay.
    await tx.usageEvent.deleteMany({ where: { userId: id } });
    await tx.usageSession.deleteMany({ where: { userId: id } });
    await tx.notification.deleteMany({ where: { userId: id } });
    // Free text written by or about them: blanked, the rows (and their counts) kept.
    await tx.feedback.updateMany({ where: { authorId: id }, data: { title: ERASED_TEXT, body: ERASED_TEXT } });
    await tx.referral.updateMany({ where: { referrerId: id }, data: { contactName: ERASED_TEXT, contactEmail: null, company: null } });
    await tx.contribution.updateMany({ where: { userId: id }, data: { title: null, url: null } });
    await tx.nomination.updateMany({ where: { OR: [{ nomineeId: id }, { nominatorId: id }] }, data: { reason: ERASED_TEXT, reviewNote: null } });
    await tx.invitation.updateMany({ where: { userId: id }, data: { message: ERASED_TEXT, evidence: {} } });
    await tx.story.updateMany({ where: { subjectId: id }, data: { headline: ERASED_TEXT, whatTheyDid: ERASED_TEXT, takeaway: ERASED_TEXT, quotes: [], changeRequest: null } });
    await tx.recognitionEvent.updateMany({ where: { userId: id }, data: { message: "An anonymous member was recognised" } });
    await tx.badgeAward.updateMany({ where: { userId: id }, data: { reason: null } });
    await tx.enrollment.updateMany({ where: { userId: id }, data: { reason: null } });
    await tx.membership.updateMany({ where: { userId: id }, data: { overrideReason: null, statusReason: null } });
    // Audit rows keep who did what, but not the personal data their snapshots held.
    await tx.auditLog.updateMany({
      where: { targetType: "User", targetId: user.externalId },
      data: { targetId: anonymousId, before: { erased: true }, after: { erased: true } },
    });
    await tx.auditLog.updateMany({ where: { actorId: `member:${user.externalId}` }, data: { actorId: `member:${anonymousId}` } });
    await recordAudit(tx, caller, requestId, {
      action: "user.erase",
      targetType: "User",
      targetId: anonymousId,
      reason: input.reason,
    });
    return erased;
  });
}
