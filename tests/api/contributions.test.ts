import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";

const RECORD = /* GraphQL */ `
  mutation ($input: RecordContributionInput!) {
    recordContribution(input: $input) {
      __typename
      ... on RecordContributionPayload { created contribution { id externalId points status kind user { externalId } } }
      ... on ValidationError { field message }
      ... on NotFoundError { resource key }
    }
  }
`;
const MODERATE = /* GraphQL */ `
  mutation ($input: ModerateContributionInput!) {
    moderateContribution(input: $input) {
      __typename
      ... on ModerateContributionPayload { contribution { id status points rejectionReason } }
      ... on ValidationError { field }
      ... on ConflictError { conflictField: field message }
    }
  }
`;
const SUBMIT = /* GraphQL */ `
  mutation ($input: SubmitContributionInput!) {
    submitContribution(input: $input) {
      __typename
      ... on SubmitContributionPayload { created contribution { id status points } }
      ... on NotFoundError { resource key }
      ... on ForbiddenError { message }
      ... on ValidationError { field }
    }
  }
`;

const at = (iso: string) => iso;
let n = 0;
const ext = () => `c-${++n}-${Math.random().toString(36).slice(2, 8)}`;

async function ledgerSum(app: TestApp, externalId: string) {
  const user = await app.db.user.findUniqueOrThrow({ where: { externalId } });
  const entries = await app.db.pointsEntry.findMany({ where: { userId: user.id } });
  const total = await app.db.pointsTotal.findUnique({ where: { userId_scope: { userId: user.id, scope: "" } } });
  return { sum: entries.reduce((s, e) => s + e.points, 0), total: total?.points ?? 0, entries };
}

describe("contributions and the points ledger", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("records a contribution with the kind's default points and returns the same one on a repeat", async () => {
    const input = { userId: "idem", kind: "ANSWER", occurredAt: at("2026-03-01T10:00:00Z"), externalId: "forum-1" };
    const first = await app.gql(RECORD, { input }, "admin");
    expect(first.errors).toBeUndefined();
    expect(first.data.recordContribution).toMatchObject({ __typename: "RecordContributionPayload", created: true, contribution: { points: 10, status: "APPROVED", user: { externalId: "idem" } } });
    const again = await app.gql(RECORD, { input: { ...input, points: 999 } }, "admin");
    expect(again.data.recordContribution).toMatchObject({ created: false, contribution: { id: first.data.recordContribution.contribution.id, points: 10 } });
    expect(await ledgerSum(app, "idem")).toMatchObject({ sum: 10, total: 10 });
  });

  it("adds nothing when the same externalId arrives many times at once", async () => {
    const input = { userId: "racer", kind: "TALK", occurredAt: at("2026-03-02T10:00:00Z"), externalId: "talk-race" };
    const results = await Promise.all(Array.from({ length: 12 }, () => app.gql(RECORD, { input }, "admin")));
    const ids = new Set(results.map((r) => r.data?.recordContribution?.contribution?.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.data.recordContribution.created)).toHaveLength(1);
    expect(await ledgerSum(app, "racer")).toMatchObject({ sum: 75, total: 75 });
  });

  it("never loses points under many parallel contributions for one person", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => app.gql(RECORD, { input: { userId: "busy", kind: "ANSWER", points: i + 1, occurredAt: at("2026-03-03T10:00:00Z"), externalId: `busy-${i}` } }, "admin")),
    );
    for (const r of results) expect(r.data?.recordContribution?.__typename, JSON.stringify(r.errors)).toBe("RecordContributionPayload");
    expect(await ledgerSum(app, "busy")).toMatchObject({ sum: 820, total: 820 });
  });

  it("uses configured points per kind and lets an explicit points value override them", async () => {
    const set = await app.gql(`mutation { setPointsRule(input: { kind: DEMO, points: 55 }) { ... on SetPointsRulePayload { rule { kind points configured } } } }`, {}, "admin");
    expect(set.data.setPointsRule.rule).toEqual({ kind: "DEMO", points: 55, configured: true });
    const rules = await app.gql(`{ pointsRules { kind points configured } }`);
    expect(rules.data.pointsRules).toContainEqual({ kind: "DEMO", points: 55, configured: true });
    expect(rules.data.pointsRules).toContainEqual({ kind: "CASE_STUDY", points: 100, configured: false });
    const byRule = await app.gql(RECORD, { input: { userId: "demo-er", kind: "DEMO", occurredAt: at("2026-03-04T10:00:00Z"), externalId: ext() } }, "admin");
    expect(byRule.data.recordContribution.contribution.points).toBe(55);
    const explicit = await app.gql(RECORD, { input: { userId: "demo-er", kind: "DEMO", points: 3, occurredAt: at("2026-03-04T10:00:00Z"), externalId: ext() } }, "admin");
    expect(explicit.data.recordContribution.contribution.points).toBe(3);
  });

  it("refuses negative points, future dates, unknown kinds and bad URLs, writing nothing", async () => {
    const before = await app.db.contribution.count();
    const base = { userId: "bad-input", kind: "ANSWER", occurredAt: at("2026-03-01T10:00:00Z"), externalId: ext() };
    const negative = await app.gql(RECORD, { input: { ...base, points: -5 } }, "admin");
    expect(negative.data.recordContribution).toMatchObject({ __typename: "ValidationError", field: "input.points" });
    const future = await app.gql(RECORD, { input: { ...base, occurredAt: "2999-01-01T00:00:00Z" } }, "admin");
    expect(future.data.recordContribution).toMatchObject({ __typename: "ValidationError", field: "input.occurredAt" });
    const url = await app.gql(RECORD, { input: { ...base, url: "javascript:alert(1)" } }, "admin");
    expect(url.data.recordContribution).toMatchObject({ __typename: "ValidationError", field: "input.url" });
    const kind = await app.gql(RECORD, { input: { ...base, kind: "BRIBE" } }, "admin");
    expect(kind.status).toBe(400);
    const rule = await app.gql(`mutation { setPointsRule(input: { kind: DEMO, points: -1 }) { __typename ... on ValidationError { field } } }`, {}, "admin");
    expect(rule.data.setPointsRule).toEqual({ __typename: "ValidationError", field: "input.points" });
    expect(await app.db.contribution.count()).toBe(before);
    expect(await app.db.user.findUnique({ where: { externalId: "bad-input" } })).toBeNull();
  });

  it("refuses recording for members and anonymous callers", async () => {
    const token = await app.memberToken("sneaky");
    const r = await app.gql(RECORD, { input: { userId: "sneaky", kind: "ANSWER", occurredAt: at("2026-03-01T10:00:00Z"), externalId: ext() } }, token);
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lets a member submit their own contribution, pending and without points until approved", async () => {
    const token = await app.memberToken("speaker", { name: "Speaker" });
    const sub = await app.gql(SUBMIT, { input: { kind: "TALK", title: "Talk at DevConf", occurredAt: at("2026-03-05T10:00:00Z") } }, token);
    expect(sub.data.submitContribution).toMatchObject({ __typename: "SubmitContributionPayload", contribution: { status: "PENDING", points: 75 } });
    expect(await ledgerSum(app, "speaker")).toMatchObject({ sum: 0, total: 0 });
    const retried = await app.gql(SUBMIT, { input: { kind: "TALK", title: "Talk at DevConf", occurredAt: at("2026-03-05T10:00:00Z"), externalId: "devconf" } }, token);
    const retriedAgain = await app.gql(SUBMIT, { input: { kind: "TALK", title: "Talk at DevConf", occurredAt: at("2026-03-05T10:00:00Z"), externalId: "devconf" } }, token);
    expect(retriedAgain.data.submitContribution.contribution.id).toBe(retried.data.submitContribution.contribution.id);
    expect(retriedAgain.data.submitContribution.created).toBe(false);
    const queue = await app.gql(`{ contributions(status: PENDING) { totalCount edges { node { id user { externalId } } } } }`, {}, "admin");
    expect(queue.data.contributions.edges.map((e: any) => e.node.user.externalId)).toContain("speaker");
    const approved = await app.gql(MODERATE, { input: { id: sub.data.submitContribution.contribution.id, decision: "APPROVE" } }, "admin");
    expect(approved.data.moderateContribution.contribution.status).toBe("APPROVED");
    expect(await ledgerSum(app, "speaker")).toMatchObject({ sum: 75, total: 75 });
    const mine = await app.gql(`{ myContributions(status: APPROVED) { edges { node { status title } } } pointsBalance pointsHistory { edges { node { points reason } } } }`, {}, token);
    expect(mine.data.myContributions.edges[0].node).toEqual({ status: "APPROVED", title: "Talk at DevConf" });
    expect(mine.data.pointsBalance).toBe(75);
    expect(mine.data.pointsHistory.edges.map((e: any) => e.node)).toEqual([{ points: 75, reason: "CONTRIBUTION" }]);
  });

  it("refuses a member's submission for an unknown user with NotFoundError and for someone else with ForbiddenError", async () => {
    await app.gql(RECORD, { input: { userId: "other-person", kind: "ANSWER", occurredAt: at("2026-03-01T10:00:00Z"), externalId: ext() } }, "admin");
    const token = await app.memberToken("honest");
    const before = await app.db.contribution.count();
    const unknown = await app.gql(SUBMIT, { input: { userId: "nobody-known", kind: "TALK", title: "x", occurredAt: at("2026-03-05T10:00:00Z") } }, token);
    expect(unknown.data.submitContribution).toMatchObject({ __typename: "NotFoundError", resource: "User", key: "nobody-known" });
    const other = await app.gql(SUBMIT, { input: { userId: "other-person", kind: "TALK", title: "x", occurredAt: at("2026-03-05T10:00:00Z") } }, token);
    expect(other.data.submitContribution.__typename).toBe("ForbiddenError");
    expect(await app.db.contribution.count()).toBe(before);
  });

  it("reverses an approved contribution that is rejected later with a REVERSAL entry, never an edit", async () => {
    const rec = await app.gql(RECORD, { input: { userId: "reversed", kind: "CASE_STUDY", occurredAt: at("2026-02-10T10:00:00Z"), externalId: ext() } }, "admin");
    const id = rec.data.recordContribution.contribution.id;
    const noReason = await app.gql(MODERATE, { input: { id, decision: "REJECT" } }, "admin");
    expect(noReason.data.moderateContribution).toMatchObject({ __typename: "ValidationError", field: "input.reason" });
    const rejected = await app.gql(MODERATE, { input: { id, decision: "REJECT", reason: "Duplicate of another case study" } }, "admin");
    expect(rejected.data.moderateContribution.contribution).toMatchObject({ status: "REJECTED", rejectionReason: "Duplicate of another case study" });
    const { sum, total, entries } = await ledgerSum(app, "reversed");
    expect(sum).toBe(0);
    expect(total).toBe(0);
    expect(entries.map((e) => [e.reason, e.points]).sort()).toEqual([["CONTRIBUTION", 100], ["REVERSAL", -100]]);
    expect(entries.find((e) => e.reason === "REVERSAL")!.occurredAt.toISOString()).toBe("2026-02-10T10:00:00.000Z");
    const twice = await app.gql(MODERATE, { input: { id, decision: "REJECT", reason: "again" } }, "admin");
    expect(twice.data.moderateContribution.__typename).toBe("ConflictError");
    expect((await ledgerSum(app, "reversed")).entries).toHaveLength(2);
  });

  it("rejecting a pending contribution writes no ledger entry", async () => {
    const token = await app.memberToken("rejected-member");
    const sub = await app.gql(SUBMIT, { input: { kind: "CONTENT", title: "Blog", occurredAt: at("2026-03-05T10:00:00Z") } }, token);
    const r = await app.gql(MODERATE, { input: { id: sub.data.submitContribution.contribution.id, decision: "REJECT", reason: "Not about our product" } }, "admin");
    expect(r.data.moderateContribution.contribution.status).toBe("REJECTED");
    expect((await ledgerSum(app, "rejected-member")).entries).toHaveLength(0);
  });

  it("keeps another member's ledger private", async () => {
    const token = await app.memberToken("peeker");
    const r = await app.gql(`{ pointsHistory(userId: "idem") { edges { node { points } } } }`, {}, token);
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
