// Program health for one program over [from, to] (UTC days, both included). Set-based reads;
// medians are taken in memory over per-user counts (one row per active user).
import { Prisma, type Db } from "../../db.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { parseIsoDate, startOfDay } from "../days.ts";
import { FINAL_STATUSES } from "../feedback/feedback.ts";

export interface ProgramReport {
  programId: string;
  programName: string;
  from: string;
  to: string;
  members: {
    total: number;
    byTier: { tier: string | null; rank: number | null; count: number }[];
    active: number;
    activeShare: number;
    newInPeriod: number;
  };
  contributions: { total: number; perMember: number; points: number; pointsPerMember: number };
  feedback: {
    received: number;
    withFinalStatus: number;
    finalShare: number;
    medianHoursToAcknowledge: number | null;
    shipped: { id: string; title: string; voteCount: number; closedAt: Date }[];
  };
  cohorts: { id: string; name: string; featureKey: string; capacity: number; accepted: number; waitlisted: number; fill: number }[];
  referrals: { total: number; converted: number; conversionRate: number; convertedValue: number };
  engagement: { memberMedianActiveDays: number; nonMemberMedianActiveDays: number; members: number; nonMembers: number };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);

export function parsePeriod(from: string, to: string) {
  const fromDay = parseIsoDate(from);
  const toDay = parseIsoDate(to);
  if (fromDay === null) throw new ValidationError("must be YYYY-MM-DD", "from");
  if (toDay === null) throw new ValidationError("must be YYYY-MM-DD", "to");
  if (toDay < fromDay) throw new ValidationError("must not be before from", "to");
  if (toDay - fromDay > 366 * 2) throw new ValidationError("period is at most two years", "to");
  return { fromDay, toDay, start: startOfDay(fromDay), end: startOfDay(toDay + 1) };
}

export async function programReport(db: Db, programId: string, from: string, to: string): Promise<ProgramReport> {
  const { fromDay, toDay, start, end } = parsePeriod(from, to);
  const program = await db.program.findUnique({ where: { id: programId }, select: { id: true, name: true } });
  if (!program) throw new NotFoundError("Program", programId);
  const inPeriod = { gte: start, lt: end };

  const memberships = await db.membership.findMany({
    where: { programId, status: "ACTIVE" },
    select: { userId: true, joinedAt: true, tier: { select: { name: true, rank: true } } },
  });
  const memberIds = memberships.map((m) => m.userId);
  const tiers = new Map<string, { tier: string | null; rank: number | null; count: number }>();
  for (const m of memberships) {
    const key = m.tier?.name ?? "";
    const row = tiers.get(key) ?? { tier: m.tier?.name ?? null, rank: m.tier?.rank ?? null, count: 0 };
    row.count++;
    tiers.set(key, row);
  }

  // Active days per user in the window, for everyone (members and not).
  const activeRows = await db.$queryRaw<{ userId: string; days: number | bigint }[]>(
    Prisma.sql`SELECT "userId", COUNT(*) AS "days" FROM "UserDay" WHERE "day" >= ${fromDay} AND "day" <= ${toDay} GROUP BY "userId"`,
  );
  const activeDays = new Map(activeRows.map((r) => [r.userId, Number(r.days)]));
  const memberSet = new Set(memberIds);
  const activeMembers = memberIds.filter((id) => (activeDays.get(id) ?? 0) > 0).length;

  const known = await db.user.findMany({ where: { erasedAt: null, firstSeenAt: { lt: end } }, select: { id: true } });
  const memberDays: number[] = [];
  const otherDays: number[] = [];
  for (const u of known) (memberSet.has(u.id) ? memberDays : otherDays).push(activeDays.get(u.id) ?? 0);

  const contributions = await db.contribution.count({ where: { userId: { in: memberIds }, status: "APPROVED", occurredAt: inPeriod } });
  const points = await db.pointsEntry.aggregate({ where: { userId: { in: memberIds }, occurredAt: inPeriod }, _sum: { points: true } });

  const feedbackScope = { OR: [{ programId }, { authorId: { in: memberIds } }], createdAt: inPeriod };
  const feedback = await db.feedback.findMany({ where: feedbackScope, select: { status: true, createdAt: true, acknowledgedAt: true } });
  const finals = feedback.filter((f) => FINAL_STATUSES.includes(f.status)).length;
  const ackHours = feedback.filter((f) => f.acknowledgedAt).map((f) => (f.acknowledgedAt!.getTime() - f.createdAt.getTime()) / 3_600_000);
  const shipped = await db.feedback.findMany({
    where: { OR: [{ programId }, { authorId: { in: memberIds } }], status: "SHIPPED", closedAt: inPeriod },
    select: { id: true, title: true, voteCount: true, closedAt: true },
    orderBy: [{ voteCount: "desc" }, { closedAt: "desc" }],
    take: 20,
  });

  const cohorts = await db.cohort.findMany({ where: { programId, archivedAt: null }, orderBy: { createdAt: "asc" } });
  const waitlisted = await db.enrollment.groupBy({ by: ["cohortId"], where: { cohortId: { in: cohorts.map((c) => c.id) }, status: "WAITLISTED" }, _count: { _all: true } });
  const waitByCohort = new Map(waitlisted.map((w) => [w.cohortId, w._count._all]));

  const referrals = await db.referral.findMany({ where: { programId, createdAt: inPeriod }, select: { status: true, value: true } });
  const converted = referrals.filter((r) => r.status === "CONVERTED");

  const ackMedian = median(ackHours);
  return {
    programId,
    programName: program.name,
    from,
    to,
    members: {
      total: memberIds.length,
      byTier: [...tiers.values()].sort((a, b) => (b.rank ?? 0) - (a.rank ?? 0)),
      active: activeMembers,
      activeShare: ratio(activeMembers, memberIds.length),
      newInPeriod: memberships.filter((m) => m.joinedAt >= start && m.joinedAt < end).length,
    },
    contributions: {
      total: contributions,
      perMember: ratio(contributions, memberIds.length),
      points: points._sum.points ?? 0,
      pointsPerMember: ratio(points._sum.points ?? 0, memberIds.length),
    },
    feedback: {
      received: feedback.length,
      withFinalStatus: finals,
      finalShare: ratio(finals, feedback.length),
      medianHoursToAcknowledge: ackMedian === null ? null : Math.round(ackMedian * 10) / 10,
      shipped: shipped.map((s) => ({ ...s, closedAt: s.closedAt! })),
    },
    cohorts: cohorts.map((c) => ({
      id: c.id,
      name: c.name,
      featureKey: c.featureKey,
      capacity: c.capacity,
      accepted: c.acceptedCount,
      waitlisted: waitByCohort.get(c.id) ?? 0,
      fill: ratio(c.acceptedCount, c.capacity),
    })),
    referrals: {
      total: referrals.length,
      converted: converted.length,
      conversionRate: ratio(converted.length, referrals.length),
      convertedValue: converted.reduce((sum, r) => sum + (r.value ?? 0), 0),
    },
    engagement: {
      memberMedianActiveDays: median(memberDays) ?? 0,
      nonMemberMedianActiveDays: median(otherDays) ?? 0,
      members: memberDays.length,
      nonMembers: otherDays.length,
    },
  };
}
