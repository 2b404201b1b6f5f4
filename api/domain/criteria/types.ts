// The criteria language: a tree of all/any groups over conditions on per-user metrics.
// Stored as JSON on programs, tiers, cohorts and badges; parsed (and so validated) on every read
// and write, so the engine only ever sees well-formed trees.
import { ValidationError, type FieldIssue } from "../../errors.ts";
import { CONTRIBUTION_KINDS } from "../contributions/rules.ts";

export const METRICS = [
  "ACTIVE_DAYS",
  "FEATURE_BREADTH",
  "ADVANCED_FEATURES",
  "SESSIONS",
  "POINTS",
  "CONTRIBUTIONS",
  "TENURE_DAYS",
  "TIER_AT_LEAST",
  "ATTRIBUTE_EQUALS",
  "ATTRIBUTE_IN",
  "MEMBER_OF_PROGRAM",
] as const;
export type Metric = (typeof METRICS)[number];

export const OPS = ["GTE", "GT", "LTE", "LT", "EQ"] as const;
export type Op = (typeof OPS)[number];

export { CONTRIBUTION_KINDS };
export type ContributionKindName = (typeof CONTRIBUTION_KINDS)[number];

export const MIN_WINDOW_DAYS = 1;
export const MAX_WINDOW_DAYS = 365;
/** Groups nested deeper than this are refused: deeper trees are unreadable and only cost SQL. */
export const MAX_DEPTH = 5;
/** Conditions per tree; each becomes a join in the candidates query. */
export const MAX_CONDITIONS = 25;

/** Metrics counted over a window of days ending on (and including) asOf. */
export const WINDOWED: ReadonlySet<Metric> = new Set(["ACTIVE_DAYS", "FEATURE_BREADTH", "ADVANCED_FEATURES", "SESSIONS", "POINTS", "CONTRIBUTIONS"]);
/** Usage metrics default to 30 days; points and contributions without a window count all time. */
export const DEFAULT_WINDOW: Partial<Record<Metric, number>> = { ACTIVE_DAYS: 30, FEATURE_BREADTH: 30, ADVANCED_FEATURES: 30, SESSIONS: 30 };

export interface NumericCondition {
  metric: "ACTIVE_DAYS" | "FEATURE_BREADTH" | "ADVANCED_FEATURES" | "SESSIONS" | "POINTS" | "CONTRIBUTIONS" | "TENURE_DAYS" | "TIER_AT_LEAST";
  windowDays: number | null;
  op: Op;
  value: number;
  /** CONTRIBUTIONS: only this kind. */
  kind?: ContributionKindName;
  /** POINTS: only points earned in this program; TIER_AT_LEAST: rank in this program instead of the evaluated one. */
  programSlug?: string;
}
export interface AttributeCondition {
  metric: "ATTRIBUTE_EQUALS" | "ATTRIBUTE_IN";
  windowDays: null;
  op: "EQ";
  attribute: string;
  /** Accepted values, compared as text ("true", "3", "EMEA"). ATTRIBUTE_EQUALS has exactly one. */
  values: string[];
}
export interface MembershipCondition {
  metric: "MEMBER_OF_PROGRAM";
  windowDays: null;
  op: "EQ";
  programSlug: string;
  /** true: must be an active member; false: must not be. */
  value: boolean;
}
export type Condition = NumericCondition | AttributeCondition | MembershipCondition;
export type Criteria = { all: Criteria[] } | { any: Criteria[] } | Condition;

export interface ConditionResult {
  metric: Metric;
  windowDays: number | null;
  op: Op;
  /** Numeric threshold (1/0 for MEMBER_OF_PROGRAM; null for attribute conditions). */
  threshold: number | null;
  /** The user's value (null for attribute conditions: see actualValue). */
  actual: number | null;
  passed: boolean;
  kind?: ContributionKindName | null;
  attribute?: string | null;
  programSlug?: string | null;
  /** Attribute conditions: the accepted values and the user's value. */
  expectedValues?: string[] | null;
  actualValue?: string | null;
  /** A sentence for people: "Active days in the last 30 days >= 20: 27". */
  label: string;
}

export interface Explanation {
  passed: boolean;
  conditions: ConditionResult[];
}

export const isAll = (c: Criteria): c is { all: Criteria[] } => "all" in c;
export const isAny = (c: Criteria): c is { any: Criteria[] } => "any" in c;
export const isCondition = (c: Criteria): c is Condition => "metric" in c;
export const isAttribute = (c: Condition): c is AttributeCondition => c.metric === "ATTRIBUTE_EQUALS" || c.metric === "ATTRIBUTE_IN";
export const isMembership = (c: Condition): c is MembershipCondition => c.metric === "MEMBER_OF_PROGRAM";

/** Every condition of a tree, depth first, in the order explanations list them. */
export function conditionsOf(criteria: Criteria | null): Condition[] {
  if (!criteria) return [];
  if (isAll(criteria)) return criteria.all.flatMap(conditionsOf);
  if (isAny(criteria)) return criteria.any.flatMap(conditionsOf);
  return [criteria];
}

/** Program slugs a tree refers to (MEMBER_OF_PROGRAM, scoped POINTS, TIER_AT_LEAST elsewhere). */
export function referencedProgramSlugs(criteria: Criteria | null): string[] {
  return [...new Set(conditionsOf(criteria).flatMap((c) => ("programSlug" in c && c.programSlug ? [c.programSlug] : [])))];
}

// ---------- parsing ----------

const GROUP_KEYS = new Set(["all", "any"]);
const CONDITION_KEYS = new Set(["metric", "windowDays", "op", "value", "kind", "attribute", "values", "programSlug"]);

/**
 * Parses and validates a criteria tree from JSON. `null`/`undefined` means "no criteria"
 * (everyone passes) and returns null. Every problem is reported with its path under `path`.
 */
export function parseCriteria(json: unknown, path = "criteria"): Criteria | null {
  if (json === null || json === undefined) return null;
  const issues: FieldIssue[] = [];
  let count = 0;
  const node = (value: unknown, at: string, depth: number): Criteria | null => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      issues.push({ field: at, message: "must be an object: { all: [...] }, { any: [...] } or a condition { metric, op, value }" });
      return null;
    }
    const obj = value as Record<string, unknown>;
    const groupKeys = Object.keys(obj).filter((k) => GROUP_KEYS.has(k));
    if (groupKeys.length > 0) {
      if (Object.keys(obj).length !== 1) {
        issues.push({ field: at, message: "a group has exactly one key, all or any" });
        return null;
      }
      const key = groupKeys[0] as "all" | "any";
      if (depth >= MAX_DEPTH) {
        issues.push({ field: `${at}.${key}`, message: `criteria are nested too deep (at most ${MAX_DEPTH} levels of groups)` });
        return null;
      }
      const list = obj[key];
      if (!Array.isArray(list) || list.length === 0) {
        issues.push({ field: `${at}.${key}`, message: "must be a non-empty list" });
        return null;
      }
      const children = list.map((child, i) => node(child, `${at}.${key}.${i}`, depth + 1));
      if (children.some((c) => c === null)) return null;
      return key === "all" ? { all: children as Criteria[] } : { any: children as Criteria[] };
    }
    count++;
    return condition(obj, at);
  };
  const condition = (obj: Record<string, unknown>, at: string): Condition | null => {
    const before = issues.length;
    const unknownKey = Object.keys(obj).find((k) => !CONDITION_KEYS.has(k));
    if (unknownKey) issues.push({ field: `${at}.${unknownKey}`, message: "is not a criteria field" });
    const metric = obj.metric;
    if (typeof metric !== "string" || !(METRICS as readonly string[]).includes(metric)) {
      issues.push({ field: `${at}.metric`, message: `unknown metric ${JSON.stringify(metric)}; expected one of ${METRICS.join(", ")}` });
      return null;
    }
    const m = metric as Metric;
    const op = obj.op ?? (m.startsWith("ATTRIBUTE") || m === "MEMBER_OF_PROGRAM" ? "EQ" : "GTE");
    if (typeof op !== "string" || !(OPS as readonly string[]).includes(op)) {
      issues.push({ field: `${at}.op`, message: `unknown operator ${JSON.stringify(op)}; expected one of ${OPS.join(", ")}` });
    }
    let windowDays: number | null = null;
    if (obj.windowDays !== undefined && obj.windowDays !== null) {
      if (!WINDOWED.has(m)) issues.push({ field: `${at}.windowDays`, message: `${m} has no window` });
      else if (typeof obj.windowDays !== "number" || !Number.isInteger(obj.windowDays) || obj.windowDays < MIN_WINDOW_DAYS || obj.windowDays > MAX_WINDOW_DAYS) {
        issues.push({ field: `${at}.windowDays`, message: `must be a whole number of days from ${MIN_WINDOW_DAYS} to ${MAX_WINDOW_DAYS}` });
      } else windowDays = obj.windowDays;
    } else windowDays = DEFAULT_WINDOW[m] ?? null;
    const slug = obj.programSlug;
    if (slug !== undefined && slug !== null && (typeof slug !== "string" || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(slug))) {
      issues.push({ field: `${at}.programSlug`, message: "must be a program slug (lowercase letters, digits, dashes)" });
    }
    const fieldNotFor = (key: string, allowed: boolean) => {
      if (!allowed && obj[key] !== undefined && obj[key] !== null) issues.push({ field: `${at}.${key}`, message: `does not apply to ${m}` });
    };
    fieldNotFor("kind", m === "CONTRIBUTIONS");
    fieldNotFor("attribute", m === "ATTRIBUTE_EQUALS" || m === "ATTRIBUTE_IN");
    fieldNotFor("values", m === "ATTRIBUTE_IN");
    fieldNotFor("programSlug", m === "POINTS" || m === "TIER_AT_LEAST" || m === "MEMBER_OF_PROGRAM");

    if (m === "ATTRIBUTE_EQUALS" || m === "ATTRIBUTE_IN") {
      if (op !== "EQ") issues.push({ field: `${at}.op`, message: `${m} only supports EQ` });
      const attribute = obj.attribute;
      if (typeof attribute !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(attribute)) {
        issues.push({ field: `${at}.attribute`, message: "must be an attribute name (letters, digits, _ . -, at most 64)" });
      }
      let values: string[] = [];
      if (m === "ATTRIBUTE_EQUALS") {
        fieldNotFor("values", false);
        if (!isScalar(obj.value)) issues.push({ field: `${at}.value`, message: "must be a string, number or boolean" });
        else values = [String(obj.value)];
      } else {
        fieldNotFor("value", false);
        if (!Array.isArray(obj.values) || obj.values.length === 0 || obj.values.length > 100 || !obj.values.every(isScalar)) {
          issues.push({ field: `${at}.values`, message: "must be a list of 1 to 100 strings, numbers or booleans" });
        } else values = obj.values.map(String);
      }
      if (values.some((v) => v.length > 500)) issues.push({ field: `${at}.value`, message: "values are at most 500 characters" });
      if (issues.length > before) return null;
      return { metric: m, windowDays: null, op: "EQ", attribute: attribute as string, values };
    }
    if (m === "MEMBER_OF_PROGRAM") {
      if (op !== "EQ") issues.push({ field: `${at}.op`, message: "MEMBER_OF_PROGRAM only supports EQ" });
      if (typeof slug !== "string") issues.push({ field: `${at}.programSlug`, message: "is required for MEMBER_OF_PROGRAM" });
      const value = obj.value ?? true;
      if (typeof value !== "boolean") issues.push({ field: `${at}.value`, message: "must be true (is a member) or false (is not)" });
      if (issues.length > before) return null;
      return { metric: m, windowDays: null, op: "EQ", programSlug: slug as string, value: value as boolean };
    }
    const value = obj.value;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      issues.push({ field: `${at}.value`, message: `must be a number for ${m}` });
    } else if (m !== "POINTS" && (!Number.isInteger(value) || value < 0)) {
      issues.push({ field: `${at}.value`, message: `must be a whole number of 0 or more for ${m}` });
    } else if (Math.abs(value) > 1e12) {
      issues.push({ field: `${at}.value`, message: "is too large" });
    }
    const kind = obj.kind;
    if (kind !== undefined && kind !== null && (typeof kind !== "string" || !(CONTRIBUTION_KINDS as readonly string[]).includes(kind))) {
      issues.push({ field: `${at}.kind`, message: `unknown contribution kind; expected one of ${CONTRIBUTION_KINDS.join(", ")}` });
    }
    if (issues.length > before) return null;
    const result: NumericCondition = { metric: m as NumericCondition["metric"], windowDays, op: op as Op, value: value as number };
    if (typeof kind === "string") result.kind = kind as ContributionKindName;
    if (typeof slug === "string") result.programSlug = slug;
    return result;
  };

  const tree = node(json, path, 0);
  if (count > MAX_CONDITIONS) issues.push({ field: path, message: `at most ${MAX_CONDITIONS} conditions` });
  if (issues.length > 0 || !tree) throw new ValidationError(issues.length ? issues : [{ field: path, message: "is not valid criteria" }]);
  return tree;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

/** The stored JSON form of a parsed tree (defaults made explicit, so reads never re-guess). */
export function criteriaToJson(criteria: Criteria | null): unknown {
  return criteria === null ? null : JSON.parse(JSON.stringify(criteria));
}

// ---------- comparison and labels (the SQL in sql.ts mirrors compare/score) ----------

export function compare(actual: number, op: Op, threshold: number): boolean {
  switch (op) {
    case "GTE": return actual >= threshold;
    case "GT": return actual > threshold;
    case "LTE": return actual <= threshold;
    case "LT": return actual < threshold;
    case "EQ": return actual === threshold;
  }
}

const OP_TEXT: Record<Op, string> = { GTE: ">=", GT: ">", LTE: "<=", LT: "<", EQ: "=" };
const METRIC_TEXT: Record<Metric, string> = {
  ACTIVE_DAYS: "Active days",
  FEATURE_BREADTH: "Features used",
  ADVANCED_FEATURES: "Advanced features used",
  SESSIONS: "Sessions",
  POINTS: "Points",
  CONTRIBUTIONS: "Contributions",
  TENURE_DAYS: "Days since first seen",
  TIER_AT_LEAST: "Tier rank",
  ATTRIBUTE_EQUALS: "Attribute",
  ATTRIBUTE_IN: "Attribute",
  MEMBER_OF_PROGRAM: "Member of",
};

export function labelOf(c: Condition, actual: number | null, actualValue: string | null): string {
  if (isAttribute(c)) {
    const expected = c.values.length === 1 ? c.values[0] : `one of ${c.values.join(", ")}`;
    return `${c.attribute} is ${expected}: ${actualValue ?? "not set"}`;
  }
  if (isMembership(c)) {
    return `${c.value ? "Member of" : "Not a member of"} ${c.programSlug}: ${actual ? "member" : "not a member"}`;
  }
  const what = c.metric === "CONTRIBUTIONS" && c.kind ? `${METRIC_TEXT[c.metric]} (${c.kind.toLowerCase().replace("_", " ")})` : METRIC_TEXT[c.metric];
  const scope = "programSlug" in c && c.programSlug ? ` in ${c.programSlug}` : "";
  const window = c.windowDays ? ` in the last ${c.windowDays} days` : WINDOWED.has(c.metric) ? " (all time)" : "";
  return `${what}${scope}${window} ${OP_TEXT[c.op]} ${c.value}: ${actual ?? 0}`;
}
