// Typed refusals of the programs domain.
import { DomainError } from "../../errors.ts";
import type { Explanation } from "../criteria/index.ts";

/** The person does not meet the program's criteria; the explanation lists every condition. */
export class CriteriaNotMetError extends DomainError {
  code = "CRITERIA_NOT_MET";
  constructor(readonly explanation: Explanation, readonly userId: string) {
    const failed = explanation.conditions.filter((c) => !c.passed).map((c) => c.label);
    super(`${userId} does not meet the program's criteria (${failed.join("; ")}); give an overrideReason to admit them anyway`);
  }
}
