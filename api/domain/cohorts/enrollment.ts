// Enrolment in a cohort. The capacity guarantee: Cohort.acceptedCount is the seat counter and
// is only ever raised by a conditional UPDATE (... WHERE acceptedCount < capacity) inside the
// transaction that writes the ACCEPTED enrolment, so two sign-ups can never take the last seat
// twice. On PostgreSQL every enrolment transaction also locks the cohort row first (the waitlist
// is read and promoted under that lock); SQLite transactions are already serialised.
import { Prisma, type Db, type Dialect } from "../../db.ts";
import type { Caller } from "../../context.ts";
import type { Cohort, Enrollment, EnrollmentStatus } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { emitEvent } from "../events.ts";
import { notify } from "../notifications.ts";
import { recordAudit } from "../audit.ts";
import { checkEligibility } from "./eligibility.ts";
import { CohortClosedError, CohortNotOpenError, NotEligibleError, NotInvitedError } from "./errors.ts";

export type Tx = Prisma.TransactionClient;

export interface Deps {
  db: Db;
  dialect: Dialect;
}

/** What changed, so the caller can publish and invalidate after the commit. */
export interface EnrollmentChange {
  cohortId: string;
  featureKey: string;
}

export async function lockCohort(tx: Tx, dialect: Dialect, cohortId: string): Promise<Cohort> {
  if (dialect === "postgres") {
    await tx.$queryRaw(Prisma.sql`SELECT "id" FROM "Cohort" WHERE "id" = ${cohortId} FOR UPDATE`);
  }
  const cohort = await tx.cohort.findUnique({ where: { id: cohortId } });
  if (!cohort) throw new NotFoundError("Cohort", cohortId);
  return cohort;
}

/** Takes a seat if one is left; true when it did. */
export async function takeSeat(tx: Tx, cohortId: string): Promise<boolean> {
  const changed = await tx.$executeRaw(
    Prisma.sql`UPDATE "Cohort" SET "acceptedCount" = "acceptedCount" + 1 WHERE "id" = ${cohortId} AND "acceptedCount" < "capacity"`,
  );
  return changed === 1;
}

async function freeSeat(tx: Tx, cohortId: string) {
  await tx.$executeRaw(
    Prisma.sql`UPDATE "Cohort" SET "acceptedCount" = "acceptedCount" - 1 WHERE "id" = ${cohortId} AND "acceptedCount" > 0`,
  );
}

async function nextWaitlistTicket(tx: Tx, cohortId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ waitlistSeq: number | bigint }[]>(
    Prisma.sql`UPDATE "Cohort" SET "waitlistSeq" = "waitlistSeq" + 1 WHERE "id" = ${cohortId} RETURNING "waitlistSeq"`,
  );
  return Number(rows[0]!.waitlistSeq);
}

async function recordChange(
  tx: Tx,
  cohort: Cohort,
  enrollment: Enrollment,
  previous: EnrollmentStatus | null,
  externalId?: string,
) {
  const userExternalId =
    externalId ?? (await tx.user.findUniqueOrThrow({ where: { id: enrollment.userId }, select: { externalId: true } })).externalId;
  await emitEvent(tx, "cohort.enrollment_changed", {
    cohortId: cohort.id,
    cohortName: cohort.name,
    featureKey: cohort.featureKey,
    userId: userExternalId,
    status: enrollment.status,
    previousStatus: previous,
    enrollmentId: enrollment.id,
  });
}

/** Seat for this enrolment if one is left, else a place on the waitlist. */
async function seatOrWaitlist(tx: Tx, cohortId: string, enrollmentId: string, data: Partial<Enrollment> = {}) {
  if (await takeSeat(tx, cohortId)) {
    return tx.enrollment.update({
      where: { id: enrollmentId },
      data: { ...data, status: "ACCEPTED", acceptedAt: new Date(), waitlistSeq: null },
    });
  }
  const ticket = await nextWaitlistTicket(tx, cohortId);
  return tx.enrollment.update({ where: { id: enrollmentId }, data: { ...data, status: "WAITLISTED", waitlistSeq: ticket } });
}

/** Fills free seats from the head of the waitlist, notifying each promoted member. */
export async function promoteFromWaitlist(tx: Tx, cohort: Cohort) {
  const promoted: Enrollment[] = [];
  for (;;) {
    const head = await tx.enrollment.findFirst({
      where: { cohortId: cohort.id, status: "WAITLISTED" },
      orderBy: [{ waitlistSeq: "asc" }, { createdAt: "asc" }],
    });
    if (!head) break;
    if (!(await takeSeat(tx, cohort.id))) break;
    const enrollment = await tx.enrollment.update({
      where: { id: head.id },
      data: { status: "ACCEPTED", acceptedAt: new Date(), waitlistSeq: null },
    });
    await notify(tx, [head.userId], {
      kind: "cohort.promoted",
      title: `A seat opened up: you are in ${cohort.name}`,
      body: `You moved from the waitlist into the ${cohort.name} cohort and now have access to ${cohort.featureKey}.`,
      data: { cohortId: cohort.id, enrollmentId: head.id },
    });
    await recordChange(tx, cohort, enrollment, "WAITLISTED");
    promoted.push(enrollment);
  }
  return promoted;
}

export function cohortWindowError(cohort: Cohort, now = new Date()) {
  if (cohort.archivedAt) return new CohortClosedError(null);
  if (cohort.opensAt && cohort.opensAt > now) return new CohortNotOpenError(cohort.opensAt);
  if (cohort.closesAt && cohort.closesAt <= now) return new CohortClosedError(cohort.closesAt);
  return null;
}

const SETTLED: EnrollmentStatus[] = ["ACCEPTED", "WAITLISTED", "PENDING", "REJECTED"];

export async function joinCohort(deps: Deps, user: { id: string; externalId: string }, cohortId: string) {
  const { db, dialect } = deps;
  const pre = await db.cohort.findUnique({ where: { id: cohortId } });
  if (!pre) throw new NotFoundError("Cohort", cohortId);
  const existingBefore = await db.enrollment.findUnique({ where: { cohortId_userId: { cohortId, userId: user.id } } });
  if (existingBefore && SETTLED.includes(existingBefore.status)) return { enrollment: existingBefore, changed: null };
  const windowError = cohortWindowError(pre);
  if (windowError) throw windowError;
  const invited = existingBefore?.status === "INVITED";
  if (pre.mode === "INVITE_ONLY" && !invited) throw new NotInvitedError();
  // Eligibility is read outside the transaction: it scans usage and must not hold the cohort lock.
  if (!invited) {
    const result = await checkEligibility(db, dialect, user.id, pre.eligibility, pre.programId);
    if (!result.eligible) throw new NotEligibleError(result.explanation, result.summary);
  }

  const enrollment = await db.$transaction(
    async (tx) => {
      const cohort = await lockCohort(tx, dialect, cohortId);
      const existing = await tx.enrollment.findUnique({ where: { cohortId_userId: { cohortId, userId: user.id } } });
      if (existing && SETTLED.includes(existing.status)) return { row: existing, previous: existing.status, same: true };
      const previous = existing?.status ?? null;
      const base =
        existing ??
        (await tx.enrollment.create({ data: { cohortId, userId: user.id, status: "PENDING" } }));
      const row =
        cohort.mode === "APPROVAL" && existing?.status !== "INVITED"
          ? await tx.enrollment.update({ where: { id: base.id }, data: { status: "PENDING", waitlistSeq: null } })
          : await seatOrWaitlist(tx, cohortId, base.id);
      await recordChange(tx, cohort, row, previous, user.externalId);
      return { row, previous, same: false };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  return {
    enrollment: enrollment.row,
    changed: enrollment.same ? null : ({ cohortId, featureKey: pre.featureKey } satisfies EnrollmentChange),
  };
}

export async function leaveCohort(deps: Deps, user: { id: string; externalId: string }, cohortId: string) {
  return deps.db.$transaction(
    async (tx) => {
      const cohort = await lockCohort(tx, deps.dialect, cohortId);
      const existing = await tx.enrollment.findUnique({ where: { cohortId_userId: { cohortId, userId: user.id } } });
      if (!existing || existing.status === "LEFT" || existing.status === "REJECTED") {
        throw new NotFoundError("Enrollment", `${cohortId}/${user.externalId}`);
      }
      const enrollment = await tx.enrollment.update({
        where: { id: existing.id },
        data: { status: "LEFT", waitlistSeq: null },
      });
      await recordChange(tx, cohort, enrollment, existing.status, user.externalId);
      if (existing.status === "ACCEPTED") {
        await freeSeat(tx, cohortId);
        await promoteFromWaitlist(tx, cohort);
      }
      return { enrollment, changed: { cohortId, featureKey: cohort.featureKey } };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

export async function approveEnrollment(deps: Deps, caller: Caller, requestId: string, enrollmentId: string) {
  return deps.db.$transaction(async (tx) => {
    const found = await tx.enrollment.findUnique({ where: { id: enrollmentId } });
    if (!found) throw new NotFoundError("Enrollment", enrollmentId);
    const cohort = await lockCohort(tx, deps.dialect, found.cohortId);
    const existing = await tx.enrollment.findUniqueOrThrow({ where: { id: enrollmentId } });
    if (existing.status !== "PENDING") {
      throw new ConflictError(`Only a PENDING enrolment can be approved; this one is ${existing.status}`, "input.enrollmentId");
    }
    const enrollment = await seatOrWaitlist(tx, cohort.id, existing.id, { decidedBy: caller.actor });
    await notify(tx, [existing.userId], {
      kind: "cohort.approved",
      title: enrollment.status === "ACCEPTED" ? `You are in ${cohort.name}` : `Approved for ${cohort.name}: you are on the waitlist`,
      data: { cohortId: cohort.id, enrollmentId },
    });
    await recordChange(tx, cohort, enrollment, existing.status);
    await recordAudit(tx, caller, requestId, {
      action: "enrollment.approve",
      targetType: "Enrollment",
      targetId: enrollmentId,
      before: { status: existing.status },
      after: { status: enrollment.status },
    });
    return { enrollment, changed: { cohortId: cohort.id, featureKey: cohort.featureKey } };
  });
}

export async function rejectEnrollment(
  deps: Deps,
  caller: Caller,
  requestId: string,
  enrollmentId: string,
  reason: string | null | undefined,
) {
  return deps.db.$transaction(async (tx) => {
    const found = await tx.enrollment.findUnique({ where: { id: enrollmentId } });
    if (!found) throw new NotFoundError("Enrollment", enrollmentId);
    const cohort = await lockCohort(tx, deps.dialect, found.cohortId);
    const existing = await tx.enrollment.findUniqueOrThrow({ where: { id: enrollmentId } });
    if (existing.status === "REJECTED" || existing.status === "LEFT") {
      throw new ConflictError(`This enrolment is already ${existing.status}`, "input.enrollmentId");
    }
    const enrollment = await tx.enrollment.update({
      where: { id: existing.id },
      data: { status: "REJECTED", reason: reason ?? null, decidedBy: caller.actor, waitlistSeq: null },
    });
    await recordChange(tx, cohort, enrollment, existing.status);
    if (existing.status === "ACCEPTED") {
      await freeSeat(tx, cohort.id);
      await promoteFromWaitlist(tx, cohort);
    }
    await recordAudit(tx, caller, requestId, {
      action: "enrollment.reject",
      targetType: "Enrollment",
      targetId: enrollmentId,
      before: { status: existing.status },
      after: { status: "REJECTED" },
      reason,
    });
    return { enrollment, changed: { cohortId: cohort.id, featureKey: cohort.featureKey } };
  });
}

/** An invitation lets the member join an invite-only cohort (and skips eligibility and approval). */
export async function inviteToCohort(deps: Deps, caller: Caller, requestId: string, cohortId: string, externalId: string) {
  return deps.db.$transaction(async (tx) => {
    const cohort = await lockCohort(tx, deps.dialect, cohortId);
    const user = await tx.user.upsert({ where: { externalId }, update: {}, create: { externalId } });
    const existing = await tx.enrollment.findUnique({ where: { cohortId_userId: { cohortId, userId: user.id } } });
    if (existing && existing.status !== "LEFT" && existing.status !== "REJECTED") {
      return { enrollment: existing, changed: null };
    }
    const enrollment = existing
      ? await tx.enrollment.update({ where: { id: existing.id }, data: { status: "INVITED", decidedBy: caller.actor, waitlistSeq: null } })
      : await tx.enrollment.create({ data: { cohortId, userId: user.id, status: "INVITED", decidedBy: caller.actor } });
    await notify(tx, [user.id], {
      kind: "cohort.invited",
      title: `You are invited to try ${cohort.name}`,
      body: cohort.description ?? undefined,
      data: { cohortId, enrollmentId: enrollment.id },
    });
    await recordChange(tx, cohort, enrollment, existing?.status ?? null, externalId);
    await recordAudit(tx, caller, requestId, {
      action: "enrollment.invite",
      targetType: "Enrollment",
      targetId: enrollment.id,
      after: { cohortId, userId: externalId },
    });
    return { enrollment, changed: { cohortId, featureKey: cohort.featureKey } };
  });
}

/** 1-based place in the waitlist, or null when not waitlisted. */
export async function waitlistPosition(db: Db, enrollment: Pick<Enrollment, "cohortId" | "status" | "waitlistSeq">) {
  if (enrollment.status !== "WAITLISTED" || enrollment.waitlistSeq === null) return null;
  return db.enrollment.count({
    where: { cohortId: enrollment.cohortId, status: "WAITLISTED", waitlistSeq: { lte: enrollment.waitlistSeq } },
  });
}
