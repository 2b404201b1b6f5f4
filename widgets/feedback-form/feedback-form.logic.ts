// Form rules, checked in the page before anything is sent (the API checks them again).
import { safeHttpUrl } from "../internal/format.ts";

export const KINDS = ["IDEA", "BUG", "PRAISE", "QUESTION"] as const;
export const LIMITS = { title: 200, body: 10_000 };

export interface FeedbackValues {
  kind: string;
  title: string;
  body: string;
  rating: string;
}

export type FieldErrors = Partial<Record<keyof FeedbackValues, string>>;

/** Error string keys by field; empty when the form may be sent. */
export function validateFeedback(v: FeedbackValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!(KINDS as readonly string[]).includes(v.kind)) errors.kind = "error.kind";
  const title = v.title.trim();
  if (!title) errors.title = "error.titleRequired";
  else if (title.length > LIMITS.title) errors.title = "error.titleLong";
  const body = v.body.trim();
  if (!body) errors.body = "error.bodyRequired";
  else if (body.length > LIMITS.body) errors.body = "error.bodyLong";
  if (v.rating && !/^[1-5]$/.test(v.rating)) errors.rating = "error.rating";
  return errors;
}

/** The API's field path ("input.title") as a form field name, when it is one. */
export function formField(path: string | null | undefined): keyof FeedbackValues | null {
  const name = (path ?? "").replace(/^input\./, "");
  return name === "kind" || name === "title" || name === "body" || name === "rating" ? name : null;
}

/** The follow link: `{id}` in the host's template replaced by the new item's id; only http(s). */
export function followUrl(template: string | undefined, id: string): string | null {
  return template ? safeHttpUrl(template.replace(/\{id\}/g, encodeURIComponent(id))) : null;
}
