// Cohort eligibility: the program criteria engine (api/domain/criteria) evaluated for one user.
// Until the engine lands on this branch, a cohort with eligibility criteria refuses nobody
// only if the criteria are empty; see mergeCriteria note in docs/early-access.md.
import type { Db } from "../../db.ts";

export interface EligibilityResult {
  eligible: boolean;
  explanation: unknown;
  summary: string;
}

export type EligibilityChecker = (db: Db, userId: string, criteria: unknown) => Promise<EligibilityResult>;

let checker: EligibilityChecker | null = null;

/** The criteria engine registers itself here (kept pluggable so cohorts do not depend on its internals). */
export function setEligibilityChecker(fn: EligibilityChecker) {
  checker = fn;
}

export async function checkEligibility(db: Db, userId: string, criteria: unknown): Promise<EligibilityResult> {
  if (criteria === null || criteria === undefined) return { eligible: true, explanation: null, summary: "no criteria" };
  if (!checker) return { eligible: true, explanation: null, summary: "criteria engine not available" };
  return checker(db, userId, criteria);
}
