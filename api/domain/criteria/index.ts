// The criteria engine: parse (validate) a tree, explain it for one user, find candidates.
export * from "./types.ts";
export { evaluateCriteria, evaluateCriteriaForUsers, evaluateCriteriaForPopulation, findCandidates, explain, type Candidate, type CandidatesQuery, type EvaluateOptions } from "./evaluate.ts";
export { compileCriteria } from "./sql.ts";
