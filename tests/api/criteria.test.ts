// The criteria engine against real rollups, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { evaluateCriteria, findCandidates, parseCriteria, type Explanation } from "../../api/domain/criteria/index.ts";
import { parseIsoDate } from "../../api/domain/days.ts";
import { addActivity, addContribution, addPoints, at, ensureFeatures, range } from "../helpers/usage-fixtures.ts";

const D = parseIsoDate("2026-06-30")!;

describe("criteria engine", () => {
  let app: TestApp;
  let otherProgramId: string;
  let targetProgramId: string;
  const explainFor = (userId: string, json: unknown, programId?: string): Promise<Explanation> =>
    evaluateCriteria(app.db, app.database.dialect, userId, parseCriteria(json), { asOfDay: D, programId });
  const actual = async (userId: string, json: unknown, programId?: string) => (await explainFor(userId, json, programId)).conditions[0]!.actual;

  beforeAll(async () => {
    app = await createTestApp();
    const db = app.db;
    await ensureFeatures(db, 8, 6);
    await db.user.create({ data: { id: "power", externalId: "power", displayName: "Pat Power", firstSeenAt: at(D - 100, 15), attributes: { role: "engineer", region: "EMEA", beta: true, level: 3 } } });
    await db.user.create({ data: { id: "casual", externalId: "casual", firstSeenAt: at(D - 10), attributes: { role: "analyst" } } });
    await db.user.create({ data: { id: "ghost", externalId: "ghost", firstSeenAt: at(D, 1) } });
    await db.user.create({ data: { id: "member", externalId: "member", firstSeenAt: at(D - 50) } });
    // power: 20 active days in the last 30 (2 sessions each) using features 1..4 and advanced 6, 7; one older day.
    await addActivity(db, "power", range(D - 19, D), [1, 2, 3, 4, 6, 7], 2);
    await addActivity(db, "power", [D - 40], [8], 1);
    await addActivity(db, "casual", [D - 2, D - 1, D], [1], 1);
    await addActivity(db, "member", range(D - 29, D), [1, 2, 3, 4, 5], 1);
    await addActivity(db, "power", [D + 1], [5], 1); // after asOf: never counted
    await addPoints(db, "power", 100, D - 5);
    await addPoints(db, "power", 50, D - 100);
    await addPoints(db, "power", 999, D + 1);
    await addPoints(db, "casual", 5, D);
    for (const day of [D - 1, D - 2, D - 3]) await addContribution(db, "power", "ANSWER", day);
    await addContribution(db, "power", "REVIEW", D - 4);
    await addContribution(db, "power", "ANSWER", D - 4, "PENDING");
    await addContribution(db, "power", "ANSWER", D - 200);
    const other = await db.program.create({ data: { slug: "other", name: "Other", kind: "COMMUNITY" } });
    otherProgramId = other.id;
    const tier1 = await db.tier.create({ data: { programId: other.id, name: "One", rank: 1 } });
    const tier2 = await db.tier.create({ data: { programId: other.id, name: "Two", rank: 2 } });
    await db.membership.create({ data: { programId: other.id, userId: "power", source: "CRITERIA", tierId: tier2.id } });
    await db.membership.create({ data: { programId: other.id, userId: "casual", source: "CRITERIA", tierId: tier1.id, status: "LEFT" } });
    const target = await db.program.create({ data: { slug: "target", name: "Target", kind: "ADVOCACY" } });
    targetProgramId = target.id;
    await db.membership.create({ data: { programId: target.id, userId: "member", source: "CRITERIA" } });
  });
  afterAll(() => app.close());

  it("computes every usage metric from the rollups over the window ending on asOf", async () => {
    expect(await actual("power", { metric: "ACTIVE_DAYS", windowDays: 30, value: 0 })).toBe(20);
    expect(await actual("power", { metric: "ACTIVE_DAYS", windowDays: 60, value: 0 })).toBe(21);
    expect(await actual("power", { metric: "ACTIVE_DAYS", windowDays: 1, value: 0 })).toBe(1);
    expect(await actual("power", { metric: "SESSIONS", windowDays: 30, value: 0 })).toBe(40);
    expect(await actual("power", { metric: "FEATURE_BREADTH", windowDays: 30, value: 0 })).toBe(6);
    expect(await actual("power", { metric: "FEATURE_BREADTH", windowDays: 60, value: 0 })).toBe(7);
    expect(await actual("power", { metric: "ADVANCED_FEATURES", windowDays: 30, value: 0 })).toBe(2);
    expect(await actual("power", { metric: "ADVANCED_FEATURES", windowDays: 60, value: 0 })).toBe(3);
  });

  it("computes points, contributions (approved only, optionally of one kind) and tenure", async () => {
    expect(await actual("power", { metric: "POINTS", windowDays: 30, value: 0 })).toBe(100);
    expect(await actual("power", { metric: "POINTS", value: 0 })).toBe(150);
    expect(await actual("power", { metric: "CONTRIBUTIONS", windowDays: 30, value: 0 })).toBe(4);
    expect(await actual("power", { metric: "CONTRIBUTIONS", windowDays: 30, kind: "ANSWER", value: 0 })).toBe(3);
    expect(await actual("power", { metric: "CONTRIBUTIONS", kind: "ANSWER", value: 0 })).toBe(4);
    expect(await actual("power", { metric: "CONTRIBUTIONS", kind: "TALK", value: 0 })).toBe(0);
    expect(await actual("power", { metric: "TENURE_DAYS", value: 0 })).toBe(100);
    expect(await actual("ghost", { metric: "TENURE_DAYS", value: 0 })).toBe(0);
  });

  it("reads tier rank, membership of another program and attributes", async () => {
    expect(await actual("power", { metric: "TIER_AT_LEAST", value: 2 }, otherProgramId)).toBe(2);
    expect(await actual("power", { metric: "TIER_AT_LEAST", programSlug: "other", value: 2 })).toBe(2);
    expect(await actual("casual", { metric: "TIER_AT_LEAST", programSlug: "other", value: 1 })).toBe(0); // left: no tier
    expect((await explainFor("power", { metric: "MEMBER_OF_PROGRAM", programSlug: "other" })).passed).toBe(true);
    expect((await explainFor("casual", { metric: "MEMBER_OF_PROGRAM", programSlug: "other" })).passed).toBe(false);
    expect((await explainFor("casual", { metric: "MEMBER_OF_PROGRAM", programSlug: "other", value: false })).passed).toBe(true);
    expect((await explainFor("power", { metric: "MEMBER_OF_PROGRAM", programSlug: "no-such-program" })).passed).toBe(false);
    const role = await explainFor("power", { metric: "ATTRIBUTE_EQUALS", attribute: "role", value: "engineer" });
    expect(role.conditions[0]).toMatchObject({ passed: true, actualValue: "engineer", expectedValues: ["engineer"], attribute: "role" });
    expect((await explainFor("power", { metric: "ATTRIBUTE_EQUALS", attribute: "beta", value: true })).passed).toBe(true);
    expect((await explainFor("power", { metric: "ATTRIBUTE_EQUALS", attribute: "level", value: 3 })).passed).toBe(true);
    expect((await explainFor("power", { metric: "ATTRIBUTE_IN", attribute: "region", values: ["AMER", "EMEA"] })).passed).toBe(true);
    expect((await explainFor("casual", { metric: "ATTRIBUTE_IN", attribute: "region", values: ["AMER", "EMEA"] })).conditions[0]).toMatchObject({ passed: false, actualValue: null });
    expect((await explainFor("ghost", { metric: "ATTRIBUTE_EQUALS", attribute: "role", value: "engineer" })).passed).toBe(false);
  });

  it("applies every operator at the boundary", async () => {
    const pass = async (op: string, value: number) => (await explainFor("power", { metric: "ACTIVE_DAYS", windowDays: 30, op, value })).passed;
    expect([await pass("GTE", 20), await pass("GTE", 21)]).toEqual([true, false]);
    expect([await pass("GT", 19), await pass("GT", 20)]).toEqual([true, false]);
    expect([await pass("LTE", 20), await pass("LTE", 19)]).toEqual([true, false]);
    expect([await pass("LT", 21), await pass("LT", 20)]).toEqual([true, false]);
    expect([await pass("EQ", 20), await pass("EQ", 19)]).toEqual([true, false]);
  });

  it("combines nested all/any groups and explains every condition", async () => {
    const tree = {
      all: [
        { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 15 },
        { any: [{ metric: "POINTS", op: "GTE", value: 1000 }, { all: [{ metric: "CONTRIBUTIONS", kind: "ANSWER", value: 3 }, { metric: "ATTRIBUTE_EQUALS", attribute: "role", value: "engineer" }] }] },
      ],
    };
    const power = await explainFor("power", tree);
    expect(power.passed).toBe(true);
    expect(power.conditions.map((c) => [c.metric, c.passed])).toEqual([["ACTIVE_DAYS", true], ["POINTS", false], ["CONTRIBUTIONS", true], ["ATTRIBUTE_EQUALS", true]]);
    expect(power.conditions[0]).toMatchObject({ windowDays: 30, op: "GTE", threshold: 15, actual: 20, label: "Active days in the last 30 days >= 15: 20" });
    const casual = await explainFor("casual", tree);
    expect(casual.passed).toBe(false);
    expect(casual.conditions[0]).toMatchObject({ actual: 3, passed: false });
  });

  it("explains a user with no usage at all with zeros", async () => {
    const e = await explainFor("ghost", { all: [{ metric: "ACTIVE_DAYS", value: 1 }, { metric: "FEATURE_BREADTH", value: 1 }, { metric: "SESSIONS", value: 0, op: "LTE" }, { metric: "POINTS", value: 1 }, { metric: "CONTRIBUTIONS", value: 1 }] });
    expect(e.passed).toBe(false);
    expect(e.conditions.map((c) => c.actual)).toEqual([0, 0, 0, 0, 0]);
    expect(e.conditions.map((c) => c.passed)).toEqual([false, false, true, false, false]);
  });

  it("finds candidates who pass and are not members, ranked by how far they exceed, with explanations", async () => {
    const criteria = parseCriteria({ all: [{ metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 3 }] });
    const page = await findCandidates(app.db, app.database.dialect, criteria, { programId: targetProgramId, asOfDay: D, offset: 0, limit: 10 });
    // member (30 days) is excluded; power (20) beats casual (3).
    expect(page.candidates.map((c) => c.userId)).toEqual(["power", "casual"]);
    expect(page.totalCount).toBe(2);
    expect(page.candidates[0]!.score).toBeCloseTo((20 - 3) / 3, 3);
    expect(page.candidates[1]!.score).toBe(0);
    expect(page.candidates.every((c) => c.explanation.passed)).toBe(true);
    const second = await findCandidates(app.db, app.database.dialect, criteria, { programId: targetProgramId, asOfDay: D, offset: 1, limit: 1 });
    expect(second.candidates.map((c) => c.userId)).toEqual(["casual"]);
    expect(second.totalCount).toBe(2);
    const past = await findCandidates(app.db, app.database.dialect, criteria, { programId: targetProgramId, asOfDay: D, offset: 5, limit: 1 });
    expect(past).toMatchObject({ candidates: [], totalCount: 2 });
  });

  it("ranks an any-group by its best passing branch and agrees with single-user explanations", async () => {
    const json = { any: [{ metric: "POINTS", op: "GTE", value: 100 }, { metric: "ACTIVE_DAYS", windowDays: 7, op: "GTE", value: 2 }, { metric: "TENURE_DAYS", op: "LT", value: 5 }] };
    const criteria = parseCriteria(json);
    const page = await findCandidates(app.db, app.database.dialect, criteria, { programId: targetProgramId, asOfDay: D, offset: 0, limit: 10 });
    // power's best branch: 7 active days vs 2 (2.5); ghost: tenure 0 < 5 (1.0); casual: 3 days vs 2 (0.5).
    expect(page.candidates.map((c) => [c.userId, c.score])).toEqual([["power", 2.5], ["ghost", 1], ["casual", 0.5]]);
    for (const c of page.candidates) expect(c.explanation).toEqual(await explainFor(c.userId, json, targetProgramId));
  });

  it("applies every operator at the boundary in the candidates query too", async () => {
    for (const op of ["GTE", "GT", "LTE", "LT", "EQ"]) {
      for (const value of [19, 20, 21]) {
        const json = { metric: "ACTIVE_DAYS", windowDays: 30, op, value };
        const page = await findCandidates(app.db, app.database.dialect, parseCriteria(json), { programId: targetProgramId, asOfDay: D, offset: 0, limit: 10 });
        const single = await explainFor("power", json);
        expect([op, value, page.candidates.some((c) => c.userId === "power")]).toEqual([op, value, single.passed]);
      }
    }
  });

  it("finds exactly the non-members whose single-user explanation passes, for random criteria trees", async () => {
    // Thresholds on the fixture users' actual values, so boundaries (>= vs >) are hit often.
    const boundary = fc.constantFrom(0, 1, 2, 3, 4, 6, 7, 20, 21, 40, 100, 105, 150);
    const condition = fc.oneof(
      fc.record({ metric: fc.constantFrom("ACTIVE_DAYS", "FEATURE_BREADTH", "ADVANCED_FEATURES", "SESSIONS"), windowDays: fc.constantFrom(1, 7, 30, 60), op: fc.constantFrom("GTE", "GT", "LTE", "LT", "EQ"), value: boundary }),
      fc.record({ metric: fc.constantFrom("POINTS", "CONTRIBUTIONS"), op: fc.constantFrom("GTE", "GT", "LTE", "LT", "EQ"), value: boundary }),
      fc.record({ metric: fc.constant("TENURE_DAYS"), op: fc.constantFrom("GTE", "GT", "LT", "EQ"), value: fc.constantFrom(0, 10, 11, 100) }),
      fc.record({ metric: fc.constant("ATTRIBUTE_IN"), attribute: fc.constant("role"), values: fc.subarray(["engineer", "analyst", "admin"], { minLength: 1 }) }),
      fc.record({ metric: fc.constant("MEMBER_OF_PROGRAM"), programSlug: fc.constant("other"), value: fc.boolean() }),
    );
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof({ depthSize: "small", withCrossShrink: true }, condition, fc.record({ all: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) })),
    })).node.filter((t) => { try { parseCriteria(t); return true; } catch { return false; } });
    await fc.assert(
      fc.asyncProperty(tree, async (json) => {
        const criteria = parseCriteria(json);
        const page = await findCandidates(app.db, app.database.dialect, criteria, { programId: targetProgramId, asOfDay: D, offset: 0, limit: 100 });
        const expected: string[] = [];
        for (const id of ["power", "casual", "ghost"]) if ((await explainFor(id, json, targetProgramId)).passed) expected.push(id);
        expect(page.candidates.map((c) => c.userId).sort()).toEqual(expected.sort());
        expect(page.totalCount).toBe(expected.length);
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});

describe("explainCriteria over GraphQL", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await ensureFeatures(app.db);
    await app.db.user.create({ data: { id: "u1", externalId: "u1", firstSeenAt: at(D - 3) } });
    await addActivity(app.db, "u1", range(D - 4, D), [1, 6]);
  });
  afterAll(() => app.close());
  const Q = `query ($c: CriteriaInput!, $u: String!, $asOf: Date) { explainCriteria(criteria: $c, userId: $u, asOf: $asOf) {
    __typename ... on Explanation { passed conditions { metric windowDays op threshold actual passed label } }
    ... on ValidationError { field message } ... on NotFoundError { key } } }`;

  it("explains a typed criteria tree for a person", async () => {
    const r = await app.gql(Q, { u: "u1", asOf: "2026-06-30", c: { all: [{ condition: { metric: "ACTIVE_DAYS", windowDays: 7, op: "GTE", value: 5 } }, { condition: { metric: "ADVANCED_FEATURES", value: 1 } }] } }, "admin");
    expect(r.errors).toBeUndefined();
    expect(r.data.explainCriteria).toMatchObject({ __typename: "Explanation", passed: true, conditions: [{ metric: "ACTIVE_DAYS", actual: 5, threshold: 5, windowDays: 7 }, { metric: "ADVANCED_FEATURES", actual: 1, windowDays: 30 }] });
  });

  it("answers a bad window or threshold with a ValidationError naming the path", async () => {
    const window = await app.gql(Q, { u: "u1", c: { any: [{ condition: { metric: "ACTIVE_DAYS", windowDays: 366, value: 1 } }] } }, "admin");
    expect(window.data.explainCriteria).toMatchObject({ __typename: "ValidationError", field: "criteria.any.0.windowDays" });
    const threshold = await app.gql(Q, { u: "u1", c: { condition: { metric: "SESSIONS", value: "many" } } }, "admin");
    expect(threshold.data.explainCriteria).toMatchObject({ __typename: "ValidationError", field: "criteria.value" });
    const both = await app.gql(Q, { u: "u1", c: { all: [], condition: { metric: "SESSIONS", value: 1 } } }, "admin");
    expect(both.data.explainCriteria).toMatchObject({ __typename: "ValidationError", field: "criteria" });
  });

  it("is not available to members or anonymous callers", async () => {
    const member = await app.gql(Q, { u: "u1", c: { condition: { metric: "SESSIONS", value: 1 } } }, await app.memberToken("u1"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
