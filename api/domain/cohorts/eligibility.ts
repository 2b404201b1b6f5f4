// Cohort eligibility: the criteria engine (api/domain/criteria) evaluated for one member on
// joining, as of today, with the cohort's program as the context for tier conditions.
import type { Db, Dialect } from "../../db.ts";
import { evaluateCriteria, parseCriteria, type Explanation } from "../criteria/index.ts";
import { dayOf } from "../days.ts";

export interface EligibilityResult {
  eligible: boolean;
  explanation: Explanation | null;
  summary: string;
}

export async function checkEligibility(
  db: Db,
  dialect: Dialect,
  userId: string,
  stored: unknown,
  programId: string | null,
): Promise<EligibilityResult> {
  const criteria = parseCriteria(stored ?? null);
  if (!criteria) return { eligible: true, explanation: null, summary: "no criteria" };
  const explanation = await evaluateCriteria(db, dialect, userId, criteria, { asOfDay: dayOf(new Date()), programId });
  const failing = explanation.conditions.filter((c) => !c.passed).map((c) => c.label);
  return { eligible: explanation.passed, explanation, summary: failing.join("; ") || "criteria not met" };
}
