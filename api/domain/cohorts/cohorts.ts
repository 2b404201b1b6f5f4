// Creating and changing cohorts. Capacity changes run under the same guard as sign-ups:
// lowering below the accepted count is refused, raising it promotes from the waitlist.
import type { Caller } from "../../context.ts";
import type { CohortMode } from "../../gen/sqlite/client.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { Prisma } from "../../db.ts";
import { recordAudit } from "../audit.ts";
import { CapacityBelowAcceptedError } from "./errors.ts";
import { lockCohort, promoteFromWaitlist, type Deps } from "./enrollment.ts";

export interface CohortFields {
  name?: string;
  description?: string | null;
  featureKey?: string;
  capacity?: number;
  mode?: CohortMode;
  eligibility?: unknown;
  opensAt?: Date | null;
  closesAt?: Date | null;
  programId?: string | null;
  archived?: boolean;
}

function checkWindow(opensAt: Date | null | undefined, closesAt: Date | null | undefined) {
  if (opensAt && closesAt && closesAt <= opensAt) {
    throw new ValidationError("must be after opensAt", "input.closesAt");
  }
}

async function checkProgram(deps: Deps, programId: string | null | undefined) {
  if (!programId) return;
  const program = await deps.db.program.findUnique({ where: { id: programId }, select: { id: true } });
  if (!program) throw new NotFoundError("Program", programId);
}

export async function createCohort(deps: Deps, caller: Caller, requestId: string, input: CohortFields & { name: string; featureKey: string; capacity: number }) {
  checkWindow(input.opensAt, input.closesAt);
  await checkProgram(deps, input.programId);
  return deps.db.$transaction(async (tx) => {
    const cohort = await tx.cohort.create({
      data: {
        name: input.name,
        description: input.description ?? null,
        featureKey: input.featureKey,
        capacity: input.capacity,
        mode: input.mode ?? "OPEN",
        eligibility: input.eligibility == null ? undefined : (input.eligibility as Prisma.InputJsonValue),
        opensAt: input.opensAt ?? null,
        closesAt: input.closesAt ?? null,
        programId: input.programId ?? null,
      },
    });
    await recordAudit(tx, caller, requestId, { action: "cohort.create", targetType: "Cohort", targetId: cohort.id, after: cohort });
    return cohort;
  });
}

export async function updateCohort(deps: Deps, caller: Caller, requestId: string, id: string, input: CohortFields) {
  await checkProgram(deps, input.programId);
  return deps.db.$transaction(async (tx) => {
    const before = await lockCohort(tx, deps.dialect, id);
    checkWindow(
      input.opensAt === undefined ? before.opensAt : input.opensAt,
      input.closesAt === undefined ? before.closesAt : input.closesAt,
    );
    if (input.capacity !== undefined && input.capacity < before.acceptedCount) {
      throw new CapacityBelowAcceptedError(input.capacity, before.acceptedCount);
    }
    const data: Prisma.CohortUpdateInput = {
      name: input.name,
      description: input.description,
      featureKey: input.featureKey,
      mode: input.mode,
      opensAt: input.opensAt,
      closesAt: input.closesAt,
      eligibility: input.eligibility === undefined ? undefined : input.eligibility === null ? Prisma.DbNull : (input.eligibility as Prisma.InputJsonValue),
      program: input.programId === undefined ? undefined : input.programId === null ? { disconnect: true } : { connect: { id: input.programId } },
      archivedAt: input.archived === undefined ? undefined : input.archived ? (before.archivedAt ?? new Date()) : null,
    };
    if (input.capacity !== undefined) {
      // The guard again, in SQL: a seat taken since the read above still blocks the change.
      const changed = await tx.$executeRaw(
        Prisma.sql`UPDATE "Cohort" SET "capacity" = ${input.capacity} WHERE "id" = ${id} AND "acceptedCount" <= ${input.capacity}`,
      );
      if (changed !== 1) throw new CapacityBelowAcceptedError(input.capacity, before.acceptedCount);
    }
    let cohort = await tx.cohort.update({ where: { id }, data });
    if (input.capacity !== undefined && input.capacity > before.capacity && !cohort.archivedAt) {
      const promoted = await promoteFromWaitlist(tx, cohort);
      if (promoted.length) cohort = await tx.cohort.findUniqueOrThrow({ where: { id } });
    }
    await recordAudit(tx, caller, requestId, { action: "cohort.update", targetType: "Cohort", targetId: id, before, after: cohort });
    return { cohort, featureKeys: [...new Set([before.featureKey, cohort.featureKey])] };
  });
}
