// The chart's geometry and summary, apart from rendering.
import type { Bucket } from "./power-curve.graphql.ts";

export const CHART = { width: 600, height: 220, left: 40, bottom: 24, top: 8 };

/** Every k in 1..windowDays, with 0 users where the API sent no bucket. */
export function fillBuckets(windowDays: number, buckets: Bucket[]): Bucket[] {
  const byDays = new Map(buckets.map((b) => [b.activeDays, b.users]));
  return Array.from({ length: windowDays }, (_, i) => ({ activeDays: i + 1, users: byDays.get(i + 1) ?? 0 }));
}

export interface Bar extends Bucket {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function bars(buckets: Bucket[], chart = CHART): { bars: Bar[]; max: number } {
  const max = Math.max(1, ...buckets.map((b) => b.users));
  const plotWidth = chart.width - chart.left;
  const plotHeight = chart.height - chart.bottom - chart.top;
  const step = plotWidth / Math.max(1, buckets.length);
  return {
    max,
    bars: buckets.map((b, i) => {
      const height = (b.users / max) * plotHeight;
      return { ...b, x: chart.left + i * step + step * 0.1, width: step * 0.8, height, y: chart.top + plotHeight - height };
    }),
  };
}

/** Users active on at least `minDays` days (the "power" end of the curve) and all active users. */
export function summary(buckets: Bucket[], windowDays: number) {
  const total = buckets.reduce((n, b) => n + b.users, 0);
  const minDays = Math.ceil(windowDays * 0.5);
  const power = buckets.filter((b) => b.activeDays >= minDays).reduce((n, b) => n + b.users, 0);
  return { total, power, minDays, share: total ? Math.round((power / total) * 100) : 0 };
}

/** Today in UTC as YYYY-MM-DD. */
export const todayUtc = (now = new Date()) => now.toISOString().slice(0, 10);
