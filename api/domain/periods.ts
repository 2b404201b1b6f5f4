// Leaderboard periods are calendar periods in UTC: the week starts on Monday.
export type Period = "WEEK" | "MONTH" | "QUARTER" | "YEAR" | "ALL_TIME";

/** The periods with maintained totals (PointsPeriodTotal); ALL_TIME is PointsTotal. */
export const TOTALLED_PERIODS = ["WEEK", "MONTH", "QUARTER", "YEAR"] as const;

export function periodStart(period: Period, now: Date = new Date()): Date | null {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  switch (period) {
    case "ALL_TIME":
      return null;
    case "YEAR":
      return new Date(Date.UTC(y, 0, 1));
    case "QUARTER":
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case "MONTH":
      return new Date(Date.UTC(y, m, 1));
    case "WEEK": {
      const mondayOffset = (now.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(y, m, now.getUTCDate() - mondayOffset));
    }
  }
}
