// Metric windows: N UTC days ending on and including `asOf` (DESIGN.md "Metrics").
import { ValidationError } from "../../errors.ts";
import { dayOf, parseIsoDate } from "../days.ts";

export const MAX_WINDOW_DAYS = 365;
export const MAX_SERIES_DAYS = 366;

export interface Window {
  /** First day of the window (day number, inclusive). */
  from: number;
  /** Last day of the window: asOf (inclusive). */
  to: number;
  days: number;
}

export function windowEnding(asOf: number, days: number): Window {
  return { from: asOf - days + 1, to: asOf, days };
}

/** A YYYY-MM-DD argument as a day number, or a ValidationError naming the argument. */
export function dayArg(value: string | null | undefined, field: string, now = new Date()): number {
  if (value == null) return dayOf(now);
  const day = parseIsoDate(value);
  if (day === null) throw new ValidationError("must be a real calendar day written YYYY-MM-DD", field);
  return day;
}

export function checkWindowDays(days: number, field = "windowDays") {
  if (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) {
    throw new ValidationError(`must be a whole number of days from 1 to ${MAX_WINDOW_DAYS}`, field);
  }
  return days;
}

/** Power users of a window: active on at least half of its days (15 of 30, 4 of 7). */
export function powerUserThreshold(windowDays: number) {
  return Math.ceil(windowDays / 2);
}
