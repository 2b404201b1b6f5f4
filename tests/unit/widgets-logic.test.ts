// Element logic that needs no browser: what a board shows, the form rules, plain-word criteria,
// the chart geometry, the reconnect back-off and the parser stand-in urql runs on.
import { describe, expect, it } from "vitest";
import { boardRows, boardVariables, reconnectDelay, withPushedEntries } from "../../widgets/leaderboard/leaderboard.logic.ts";
import { followUrl, formField, validateFeedback } from "../../widgets/feedback-form/feedback-form.logic.ts";
import { conditionProgress, explainCondition } from "../../widgets/internal/conditions.ts";
import { seatsMessage, standing } from "../../widgets/beta-signup/beta-signup.logic.ts";
import { bars, fillBuckets, summary } from "../../widgets/power-curve/power-curve.logic.ts";
import { safeHttpUrl, relativeTime } from "../../widgets/internal/format.ts";
import { parse, print } from "../../widgets/internal/graphql-lite.ts";
import type { Cohort } from "../../widgets/beta-signup/beta-signup.graphql.ts";

const entry = (rank: number, id: string) => ({ rank, points: 100 - rank, user: { externalId: id, displayName: id, isAnonymous: false } });

describe("leaderboard logic", () => {
  it("marks the member's own row when it is on the board and adds nothing below", () => {
    const { rows, below } = boardRows({ totalCount: 3, edges: [entry(1, "a"), entry(2, "me"), entry(3, "c")].map((node) => ({ node })), myPosition: entry(2, "me") });
    expect(rows.map((r) => r.isMe)).toEqual([false, true, false]);
    expect(below).toBeNull();
  });

  it("shows the member's position below the cut when they are not in the top rows", () => {
    const { rows, below } = boardRows({ totalCount: 40, edges: [entry(1, "a"), entry(2, "b")].map((node) => ({ node })), myPosition: entry(37, "me") });
    expect(rows.some((r) => r.isMe)).toBe(false);
    expect(below).toMatchObject({ rank: 37, user: { externalId: "me" } });
  });

  it("maps attributes to variables, clamping the limit and defaulting an unknown period to all time", () => {
    expect(boardVariables("insiders", "", "quarter", 500)).toEqual({ program: "insiders", team: null, period: "QUARTER", first: 100 });
    expect(boardVariables(undefined, "Sales", "fortnight", Number.NaN)).toEqual({ program: null, team: "Sales", period: "ALL_TIME", first: 10 });
  });

  it("takes the pushed top entries and keeps the member's own place from the last load", () => {
    const loaded = { totalCount: 40, edges: [entry(1, "a")].map((node) => ({ node })), myPosition: entry(37, "me") };
    const pushed = withPushedEntries(loaded, [entry(1, "b"), entry(2, "a")]);
    expect(pushed.edges.map((e) => e.node.user.externalId)).toEqual(["b", "a"]);
    expect(pushed).toMatchObject({ totalCount: 40, myPosition: { rank: 37 } });
    expect(withPushedEntries(undefined, [entry(1, "b")])).toMatchObject({ totalCount: 1, myPosition: null });
  });

  it("backs off reconnects exponentially up to 30 seconds", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => reconnectDelay(n, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(reconnectDelay(0, () => 0)).toBe(750);
    expect(reconnectDelay(0, () => 0.999)).toBeLessThanOrEqual(1250);
  });
});

describe("feedback form rules", () => {
  const ok = { kind: "IDEA", title: "A title", body: "Some detail", rating: "" };

  it("accepts a complete form and an optional rating from 1 to 5", () => {
    expect(validateFeedback(ok)).toEqual({});
    expect(validateFeedback({ ...ok, rating: "5" })).toEqual({});
  });

  it("names every field that is missing, too long or out of range", () => {
    expect(validateFeedback({ kind: "RANT", title: "   ", body: "", rating: "6" })).toEqual({
      kind: "error.kind",
      title: "error.titleRequired",
      body: "error.bodyRequired",
      rating: "error.rating",
    });
    expect(validateFeedback({ ...ok, title: "x".repeat(201), body: "y".repeat(10_001) })).toEqual({ title: "error.titleLong", body: "error.bodyLong" });
  });

  it("maps the API's field paths to form fields and ignores the others", () => {
    expect(formField("input.title")).toBe("title");
    expect(formField("input.featureKey")).toBeNull();
    expect(formField(null)).toBeNull();
  });

  it("builds the follow link from the host's template, and only http(s) links", () => {
    expect(followUrl("https://intra.example/feedback/{id}", "RmVlZGJhY2s6MQ==")).toBe("https://intra.example/feedback/RmVlZGJhY2s6MQ%3D%3D");
    expect(followUrl("javascript:alert('{id}')", "x")).toBeNull();
    expect(followUrl(undefined, "x")).toBeNull();
  });
});

describe("criteria in plain words", () => {
  it("says what is missing for a failed condition", () => {
    expect(explainCondition({ metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", threshold: 15, actual: 9, passed: false })).toBe(
      "Days active in the last 30 days: you have 9, and at least 15 are needed.",
    );
    expect(explainCondition({ metric: "POINTS", windowDays: null, op: "GT", threshold: 1, actual: 0, passed: false })).toBe("Points: you have 0, and more than 1 is needed.");
  });

  it("marks a passed condition and falls back to the server's sentence for non-numeric conditions", () => {
    expect(explainCondition({ metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", threshold: 5, actual: 7, passed: true })).toBe(
      "Different features used in the last 30 days: 7 (at least 5 needed) ✓",
    );
    expect(explainCondition({ metric: "ATTRIBUTE_IN", windowDays: null, op: "EQ", threshold: null, actual: null, passed: false, label: "region in EMEA, AMER: APAC" })).toBe(
      "region in EMEA, AMER: APAC",
    );
  });

  it("measures progress toward a threshold, capped at 1", () => {
    expect(conditionProgress({ metric: "POINTS", windowDays: null, op: "GTE", threshold: 200, actual: 50, passed: false })).toBe(0.25);
    expect(conditionProgress({ metric: "POINTS", windowDays: null, op: "GTE", threshold: 200, actual: 500, passed: true })).toBe(1);
    expect(conditionProgress({ metric: "TENURE_DAYS", windowDays: null, op: "LT", threshold: 10, actual: 20, passed: false })).toBe(0);
  });
});

describe("beta sign-up standing", () => {
  const cohort = (over: Partial<Cohort> = {}): Cohort => ({
    id: "c", name: "Beta", description: null, capacity: 10, seatsLeft: 3, acceptedCount: 7, waitlistLength: 0, mode: "OPEN",
    opensAt: null, closesAt: null, isOpen: true, myEnrollment: null, ...over,
  });

  it("tells seats left, one seat, and a full cohort with its waitlist", () => {
    expect(seatsMessage(cohort())).toEqual(["seatsLeft", { seats: 3, capacity: 10 }]);
    expect(seatsMessage(cohort({ seatsLeft: 1 }))[0]).toBe("seatsOne");
    expect(seatsMessage(cohort({ seatsLeft: 0, waitlistLength: 4 }))).toEqual(["seatsFull", { waitlist: 4 }]);
  });

  it("puts the member's own enrolment before the cohort's state, and treats a leaver as not enrolled", () => {
    expect(standing(cohort({ myEnrollment: { id: "e", status: "WAITLISTED", waitlistPosition: 2 } }))).toEqual({ kind: "waitlisted", position: 2 });
    expect(standing(cohort({ isOpen: false, myEnrollment: { id: "e", status: "ACCEPTED", waitlistPosition: null } }))).toEqual({ kind: "accepted" });
    expect(standing(cohort({ myEnrollment: { id: "e", status: "LEFT", waitlistPosition: null }, seatsLeft: 0 }))).toEqual({ kind: "open", full: true });
    expect(standing(cohort({ isOpen: false }))).toEqual({ kind: "closed" });
  });
});

describe("power curve", () => {
  it("fills every day of the window and scales bars to the tallest", () => {
    const buckets = fillBuckets(4, [{ activeDays: 1, users: 10 }, { activeDays: 3, users: 5 }]);
    expect(buckets.map((b) => b.users)).toEqual([10, 0, 5, 0]);
    const chart = bars(buckets, { width: 140, height: 120, left: 40, bottom: 10, top: 10 });
    expect(chart.max).toBe(10);
    expect(chart.bars.map((b) => b.height)).toEqual([100, 0, 50, 0]);
    expect(chart.bars[0]!.y + chart.bars[0]!.height).toBe(110);
  });

  it("summarises how many people sit at the power end (half the window or more)", () => {
    const buckets = fillBuckets(30, [{ activeDays: 2, users: 60 }, { activeDays: 15, users: 30 }, { activeDays: 30, users: 10 }]);
    expect(summary(buckets, 30)).toEqual({ total: 100, power: 40, minDays: 15, share: 40 });
    expect(summary(fillBuckets(7, []), 7).share).toBe(0);
  });
});

describe("formatting and safety", () => {
  it("keeps only http(s) URLs from data", () => {
    expect(safeHttpUrl("https://cdn.example/badge.svg")).toBe("https://cdn.example/badge.svg");
    expect(safeHttpUrl("javascript:alert(1)")).toBeNull();
    expect(safeHttpUrl("data:image/svg+xml,<svg/>")).toBeNull();
    expect(safeHttpUrl("🏅")).toBeNull();
  });

  it("says how long ago something happened", () => {
    const now = Date.parse("2026-11-27T12:00:00Z");
    expect(relativeTime("2026-11-24T12:00:00Z", now, "en")).toBe("3 days ago");
    expect(relativeTime("2026-11-27T11:59:30Z", now, "en")).toBe("now");
  });
});

describe("graphql-lite, the parser stand-in urql runs on", () => {
  it("reads the operation kind and name and keeps the text verbatim for the server", () => {
    const text = "subscription PuLive($a: Int) { leaderboardChanged(first: $a) { totalCount } }";
    const doc = parse(text);
    expect(doc.definitions[0]).toMatchObject({ kind: "OperationDefinition", operation: "subscription", name: { value: "PuLive" } });
    expect(print(doc)).toBe(text);
    expect(parse("{ leaderboard { totalCount } }").definitions[0]).toMatchObject({ operation: "query", name: undefined });
  });
});
