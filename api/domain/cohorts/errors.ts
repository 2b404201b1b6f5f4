// Why a member cannot join a cohort, or why a capacity change was refused. Each becomes a
// GraphQL type implementing `Error` (schema/cohorts.ts), so widgets can show the reason.
import { DomainError } from "../../errors.ts";

export class NotEligibleError extends DomainError {
  code = "NOT_ELIGIBLE";
  constructor(readonly explanation: unknown, readonly summary: string) {
    super(`You do not meet this cohort's eligibility criteria: ${summary}`);
  }
}

export class NotInvitedError extends DomainError {
  code = "NOT_INVITED";
  constructor() {
    super("This cohort is invite-only and you have not been invited");
  }
}

export class CohortNotOpenError extends DomainError {
  code = "COHORT_NOT_OPEN";
  constructor(readonly opensAt: Date) {
    super(`This cohort opens on ${opensAt.toISOString()}`);
  }
}

export class CohortClosedError extends DomainError {
  code = "COHORT_CLOSED";
  constructor(readonly closedAt: Date | null) {
    super(closedAt ? `Sign-ups for this cohort closed on ${closedAt.toISOString()}` : "This cohort is archived");
  }
}

export class CapacityBelowAcceptedError extends DomainError {
  code = "CAPACITY_BELOW_ACCEPTED";
  readonly field = "input.capacity";
  constructor(readonly capacity: number, readonly acceptedCount: number) {
    super(`Capacity ${capacity} is below the ${acceptedCount} members already accepted; remove members first`);
  }
}
