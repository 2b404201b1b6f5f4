// Criteria as GraphQL: a typed input tree (validated by the engine's parser, so a bad
// metric, window or threshold comes back as a ValidationError naming its path) and the
// Explanation / ConditionResult types that programs, tiers, cohorts and badges all return.
import { builder } from "../builder.ts";
import { dayArg } from "../domain/usage/window.ts";
import { evaluateCriteria, parseCriteria, conditionsOf, labelOf, METRICS, OPS, type Condition, type ConditionResult, type Criteria, type Explanation } from "../domain/criteria/index.ts";
import { NotFoundError, ValidationError } from "../errors.ts";

export const CriteriaMetricEnum = builder.enumType("CriteriaMetric", {
  description:
    "What a condition measures. Windowed (days ending on asOf): ACTIVE_DAYS, FEATURE_BREADTH, ADVANCED_FEATURES, SESSIONS (default 30 days), POINTS and CONTRIBUTIONS (default all time). " +
    "TENURE_DAYS counts days since the user was first seen; TIER_AT_LEAST compares the tier rank; ATTRIBUTE_EQUALS / ATTRIBUTE_IN test a host attribute; MEMBER_OF_PROGRAM tests membership of another program.",
  values: METRICS,
});

export const CriteriaOpEnum = builder.enumType("CriteriaOp", { values: OPS });

export const ConditionInput = builder.inputType("ConditionInput", {
  description: "One condition. `value` is a number for metrics, a string/number/boolean for ATTRIBUTE_EQUALS, a boolean for MEMBER_OF_PROGRAM.",
  fields: (t) => ({
    metric: t.field({ type: CriteriaMetricEnum }),
    windowDays: t.int({ required: false, description: "1 to 365; only for windowed metrics." }),
    op: t.field({ type: CriteriaOpEnum, required: false, description: "Defaults to GTE (EQ for attribute and membership conditions)." }),
    value: t.field({ type: "JSON", required: false }),
    kind: t.string({ required: false, description: "CONTRIBUTIONS: count only this contribution kind (ANSWER, REVIEW, ...)." }),
    attribute: t.string({ required: false, description: "ATTRIBUTE_EQUALS / ATTRIBUTE_IN: the attribute name." }),
    values: t.field({ type: ["JSON"], required: false, description: "ATTRIBUTE_IN: the accepted values." }),
    programSlug: t.string({ required: false, description: "MEMBER_OF_PROGRAM: the program; POINTS: only points earned there; TIER_AT_LEAST: rank there." }),
  }),
});

export const CriteriaInput = builder.inputRef<CriteriaInputShape>("CriteriaInput").implement({
  description: "Exactly one of `all` (every child passes), `any` (at least one passes) or `condition`. Groups nest up to 5 levels.",
  fields: (t) => ({
    all: t.field({ type: [CriteriaInput], required: false }),
    any: t.field({ type: [CriteriaInput], required: false }),
    condition: t.field({ type: ConditionInput, required: false }),
  }),
});

export type CriteriaInputShape = {
  all?: CriteriaInputShape[] | null;
  any?: CriteriaInputShape[] | null;
  condition?: { [key: string]: unknown } | null;
};

/** The typed input as the stored JSON form, before validation. */
function inputToJson(input: CriteriaInputShape, path: string): unknown {
  const keys = (["all", "any", "condition"] as const).filter((k) => input[k] !== undefined && input[k] !== null);
  if (keys.length !== 1) throw new ValidationError("set exactly one of all, any or condition", path);
  if (input.all) return { all: input.all.map((c, i) => inputToJson(c, `${path}.all.${i}`)) };
  if (input.any) return { any: input.any.map((c, i) => inputToJson(c, `${path}.any.${i}`)) };
  const condition = Object.fromEntries(Object.entries(input.condition!).filter(([, v]) => v !== undefined && v !== null));
  return condition;
}

/**
 * Criteria from a mutation: the typed `criteria` input or the same tree as `criteriaJson`.
 * Returns undefined when neither is given (leave unchanged), null for an explicit null.
 */
export function criteriaFromArgs(typed: CriteriaInputShape | null | undefined, json: unknown, path = "input.criteria"): Criteria | null | undefined {
  if (typed !== undefined && json !== undefined) {
    if (typed !== null && json !== null) throw new ValidationError("give criteria or criteriaJson, not both", path);
  }
  if (typed) return parseCriteria(inputToJson(typed, path), path);
  if (json !== undefined && json !== null) return parseCriteria(json, path.replace(/criteria$/, "criteriaJson"));
  if (typed === null || json === null) return null;
  return undefined;
}

/** Stored criteria JSON (already validated on write) back to the engine's tree. */
export function storedCriteria(json: unknown): Criteria | null {
  return parseCriteria(json ?? null);
}

export const ConditionResultRef = builder.objectRef<ConditionResult>("ConditionResult").implement({
  authScopes: { public: true },
  description: "One condition for one person: the threshold, their actual value and whether it passes.",
  fields: (t) => ({
    metric: t.field({ type: CriteriaMetricEnum, resolve: (c) => c.metric }),
    windowDays: t.int({ nullable: true, resolve: (c) => c.windowDays }),
    op: t.field({ type: CriteriaOpEnum, resolve: (c) => c.op }),
    threshold: t.float({ nullable: true, description: "Null for attribute conditions (see expectedValues).", resolve: (c) => c.threshold }),
    actual: t.float({ nullable: true, description: "Null for attribute conditions (see actualValue).", resolve: (c) => c.actual }),
    passed: t.boolean({ resolve: (c) => c.passed }),
    kind: t.string({ nullable: true, resolve: (c) => c.kind ?? null }),
    attribute: t.string({ nullable: true, resolve: (c) => c.attribute ?? null }),
    programSlug: t.string({ nullable: true, resolve: (c) => c.programSlug ?? null }),
    expectedValues: t.stringList({ nullable: true, resolve: (c) => c.expectedValues ?? null }),
    actualValue: t.string({ nullable: true, resolve: (c) => c.actualValue ?? null }),
    label: t.string({ description: 'For people: "Active days in the last 30 days >= 20: 27".', resolve: (c) => c.label }),
  }),
});

export const ExplanationRef = builder.objectRef<Explanation>("Explanation").implement({
  authScopes: { public: true },
  description: "Criteria evaluated for one person: passed overall (all/any groups applied) and every condition.",
  fields: (t) => ({
    passed: t.boolean({ resolve: (e) => e.passed }),
    conditions: t.field({ type: [ConditionResultRef], resolve: (e) => e.conditions }),
  }),
});

/** A condition as defined (no person): what program pages and GraphiQL show. */
export const CriteriaConditionRef = builder.objectRef<Condition>("CriteriaCondition").implement({
  authScopes: { public: true },
  fields: (t) => ({
    metric: t.field({ type: CriteriaMetricEnum, resolve: (c) => c.metric }),
    windowDays: t.int({ nullable: true, resolve: (c) => c.windowDays }),
    op: t.field({ type: CriteriaOpEnum, resolve: (c) => c.op }),
    threshold: t.float({ nullable: true, resolve: (c) => ("value" in c ? (typeof c.value === "boolean" ? (c.value ? 1 : 0) : c.value) : null) }),
    kind: t.string({ nullable: true, resolve: (c) => ("kind" in c ? c.kind ?? null : null) }),
    attribute: t.string({ nullable: true, resolve: (c) => ("attribute" in c ? c.attribute : null) }),
    values: t.stringList({ nullable: true, resolve: (c) => ("values" in c ? c.values : null) }),
    programSlug: t.string({ nullable: true, resolve: (c) => ("programSlug" in c ? c.programSlug ?? null : null) }),
    description: t.string({ resolve: (c) => labelOf(c, null, null).replace(/: .*$/, "") }),
  }),
});

export const conditionsOfStored = (json: unknown) => conditionsOf(storedCriteria(json));

builder.queryField("explainCriteria", (t) =>
  t.field({
    type: ExplanationRef,
    description: "Try criteria on one person before saving them on a program, tier, cohort or badge (admins and `read` keys).",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "read" },
    errors: { types: [NotFoundError] },
    args: {
      criteria: t.arg({ type: CriteriaInput }),
      userId: t.arg.string({ description: "The person's externalId." }),
      asOf: t.arg({ type: "Date", required: false, description: "The day windows end on (default today, UTC)." }),
    },
    resolve: async (_root, args, ctx) => {
      const criteria = criteriaFromArgs(args.criteria as CriteriaInputShape, undefined, "criteria") ?? null;
      const user = await ctx.db.user.findUnique({ where: { externalId: args.userId }, select: { id: true } });
      if (!user) throw new NotFoundError("User", args.userId);
      return evaluateCriteria(ctx.db, ctx.dialect, user.id, criteria, { asOfDay: dayArg(args.asOf, "asOf") });
    },
  }),
);
