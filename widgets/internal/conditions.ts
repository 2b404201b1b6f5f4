// Criteria conditions in plain words, for the beta sign-up (why not eligible) and tier progress.

export interface Condition {
  metric: string;
  windowDays: number | null;
  op: string;
  /** Null for attribute conditions. */
  threshold: number | null;
  actual: number | null;
  passed: boolean;
  /** The server's own sentence, used for conditions that are not counts (tier, attribute, membership). */
  label?: string;
}

export const metricWords: Record<string, string> = {
  ACTIVE_DAYS: "days active",
  FEATURE_BREADTH: "different features used",
  ADVANCED_FEATURES: "advanced features used",
  SESSIONS: "sessions",
  POINTS: "points",
  CONTRIBUTIONS: "contributions",
  TENURE_DAYS: "days since you started",
};

const opWords: Record<string, string> = { GTE: "at least", GT: "more than", LTE: "at most", LT: "fewer than", EQ: "exactly" };

/** "days active in the last 30 days" */
export function conditionLabel(c: Pick<Condition, "metric" | "windowDays">, words = metricWords): string {
  const metric = words[c.metric] ?? c.metric.toLowerCase().replace(/_/g, " ");
  return c.windowDays ? `${metric} in the last ${c.windowDays} days` : metric;
}

/** "Days active in the last 30 days: you have 9, and at least 15 are needed." */
export function explainCondition(c: Condition, words = metricWords): string {
  if (c.threshold === null || c.actual === null || !(c.metric in words)) return (c.label ?? c.metric) + (c.passed ? " ✓" : "");
  const label = conditionLabel(c, words);
  const needed = `${opWords[c.op] ?? c.op} ${c.threshold}`;
  const sentence = c.passed ? `${label}: ${c.actual} (${needed} needed) ✓` : `${label}: you have ${c.actual}, and ${needed} ${c.threshold === 1 ? "is" : "are"} needed.`;
  return sentence[0]!.toUpperCase() + sentence.slice(1);
}

/** Share of the way to a "more is better" threshold, 0..1 (1 when passed). */
export function conditionProgress(c: Condition): number {
  if (c.passed) return 1;
  if ((c.op === "GTE" || c.op === "GT") && c.threshold && c.actual !== null) return Math.max(0, Math.min(1, c.actual / c.threshold));
  return 0;
}
