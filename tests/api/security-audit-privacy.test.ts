import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { apiKey } from "../helpers/security.ts";

const AUDIT = `query ($targetType: String, $targetId: String, $actorKind: AuditActorKind, $first: Int, $after: String) {
  auditLog(targetType: $targetType, targetId: $targetId, actorKind: $actorKind, first: $first, after: $after) {
    edges { node { actorKind actorId action targetType targetId before after reason requestId } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const UPSERT = `mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`;

describe("audit log", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("records every admin and API-key write with actor, before/after and reason, queryable by admins", async () => {
    await app.gql(UPSERT, { input: { externalId: "ann", displayName: "Ann" } }, "admin");
    const writer = await apiKey(app, ["write"], "writer");
    await app.gql(UPSERT, { input: { externalId: "ann", displayName: "Ann B." } }, writer);
    const keys = await app.gql(`{ apiKeys { edges { node { id name } } } }`, {}, "admin");
    const writerId = keys.data.apiKeys.edges.find((e: any) => e.node.name === "writer").node.id;
    await app.gql(`mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { __typename } }`, { input: { id: writerId, reason: "rotated" } }, "admin");

    const userRows = (await app.gql(AUDIT, { targetType: "User", targetId: "ann" }, "admin")).data.auditLog.edges.map((e: any) => e.node);
    expect(userRows).toHaveLength(2);
    expect(userRows[0]).toMatchObject({ action: "user.update", actorKind: "integrator", actorId: expect.stringMatching(/^key:pu_/), before: { displayName: "Ann" }, after: { displayName: "Ann B." } });
    expect(userRows[1]).toMatchObject({ action: "user.create", actorKind: "admin", actorId: "admin-secret", after: { displayName: "Ann" } });
    expect(userRows[1].requestId).toBeTruthy();

    const keyRows = (await app.gql(AUDIT, { targetType: "ApiKey" }, "admin")).data.auditLog.edges.map((e: any) => e.node);
    expect(keyRows.map((r: any) => r.action)).toEqual(["apiKey.revoke", "apiKey.create"]);
    expect(keyRows[0]).toMatchObject({ reason: "rotated", after: { revokedAt: expect.any(String) } });
    expect(JSON.stringify(keyRows)).not.toMatch(/"hash"|pu_[A-Za-z0-9_-]{20,}/);

    const byKeys = (await app.gql(AUDIT, { actorKind: "INTEGRATOR" }, "admin")).data.auditLog.edges;
    expect(byKeys).toHaveLength(1);
    const page = await app.gql(AUDIT, { first: 2 }, "admin");
    expect(page.data.auditLog.pageInfo.hasNextPage).toBe(true);
    const rest = await app.gql(AUDIT, { first: 10, after: page.data.auditLog.pageInfo.endCursor }, "admin");
    expect(rest.data.auditLog.edges).toHaveLength(2);
  });

  it("does not show the audit log to members or API keys", async () => {
    const member = await app.gql(AUDIT, {}, await app.memberToken("ann"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const reader = await app.gql(AUDIT, {}, await apiKey(app, ["read"]));
    expect(reader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("records nothing when a write is refused", async () => {
    const before = await app.db.auditLog.count();
    await app.gql(UPSERT, { input: { externalId: "zed", email: "nope" } }, "admin");
    expect(await app.db.auditLog.count()).toBe(before);
  });
});

describe("privacy: export and erasure", () => {
  let app: TestApp;
  let ids: { user: string; other: string; feature: string; program: string };
  beforeAll(async () => {
    app = await createTestApp();
    const db = app.db;
    await app.gql(UPSERT, { input: { externalId: "eve", displayName: "Eve Example", email: "eve@example.com", team: "Ops", attributes: { role: "lead" } } }, "admin");
    const user = await db.user.findUniqueOrThrow({ where: { externalId: "eve" } });
    const other = await db.user.create({ data: { externalId: "olga", displayName: "Olga" } });
    const feature = await db.feature.create({ data: { key: "export", name: "Export" } });
    const program = await db.program.create({ data: { slug: "champions", name: "Champions", kind: "CHAMPIONS" } });
    const now = new Date();
    await db.usageEvent.create({ data: { eventId: "ev-1", userId: user.id, featureId: feature.id, occurredAt: now, day: 20000, sessionId: "s1" } });
    await db.usageSession.create({ data: { userId: user.id, day: 20000, sessionId: "s1", featureId: feature.id } });
    await db.usageDaily.create({ data: { userId: user.id, day: 20000, featureId: feature.id, events: 1, sessions: 1 } });
    await db.userDay.create({ data: { userId: user.id, day: 20000, events: 1, sessions: 1 } });
    await db.pointsEntry.create({ data: { userId: user.id, points: 50, reason: "ADJUSTMENT", occurredAt: now } });
    await db.pointsTotal.create({ data: { userId: user.id, scope: "", points: 50, lastEarnedAt: now } });
    await db.pointsEntry.create({ data: { userId: other.id, points: 30, reason: "ADJUSTMENT", occurredAt: now } });
    await db.pointsTotal.create({ data: { userId: other.id, scope: "", points: 30, lastEarnedAt: now } });
    await db.notification.create({ data: { userId: user.id, kind: "badge", title: "Well done Eve" } });
    const fb = await db.feedback.create({ data: { authorId: user.id, kind: "IDEA", title: "Eve's idea", body: "Call me on 555-0100" } });
    await db.feedbackVote.create({ data: { feedbackId: fb.id, userId: other.id } });
    await db.feedback.update({ where: { id: fb.id }, data: { voteCount: 1 } });
    await db.referral.create({ data: { referrerId: user.id, contactName: "Carl Contact", contactEmail: "carl@acme.test", company: "Acme" } });
    await db.contribution.create({ data: { externalId: "c-1", userId: user.id, kind: "TALK", points: 50, title: "Eve at ConfX", occurredAt: now } });
    await db.membership.create({ data: { programId: program.id, userId: user.id, source: "OVERRIDE", overrideReason: "Eve is great" } });
    ids = { user: user.id, other: other.id, feature: feature.id, program: program.id };
  });
  afterAll(() => app.close());

  it("exports everything held about a person as JSON, for admins only", async () => {
    const result = await app.gql(`query ($id: String!) { exportUserData(userId: $id) }`, { id: "eve" }, "admin");
    expect(result.errors).toBeUndefined();
    const data = result.data.exportUserData;
    expect(data).toMatchObject({ externalId: "eve", displayName: "Eve Example", email: "eve@example.com", attributes: { role: "lead" } });
    expect(data.usageEvents).toHaveLength(1);
    expect(data.usageSessions).toHaveLength(1);
    expect(data.usageDaily).toHaveLength(1);
    expect(data.userDays).toHaveLength(1);
    expect(data.pointsEntries).toHaveLength(1);
    expect(data.pointsTotals).toHaveLength(1);
    expect(data.notifications).toHaveLength(1);
    expect(data.feedback[0].body).toContain("555-0100");
    expect(data.referrals[0].contactEmail).toBe("carl@acme.test");
    expect(data.contributions).toHaveLength(1);
    expect(data.memberships[0].program.slug).toBe("champions");
    expect(data.auditLog.about.map((a: any) => a.action)).toContain("user.create");
    expect((await app.gql(`{ exportUserData(userId: "nobody") }`, {}, "admin")).data.exportUserData).toBeNull();
    const member = await app.gql(`{ exportUserData(userId: "eve") }`, {}, await app.memberToken("eve"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("erases personal data but keeps anonymous aggregates, so boards do not change", async () => {
    const boardBefore = await app.gql(`{ leaderboard(first: 10) { totalCount edges { node { rank points } } } }`, {}, "admin");
    const erase = await app.gql(
      `mutation ($input: EraseUserInput!) { eraseUser(input: $input) { __typename ... on EraseUserPayload { erasedExternalId user { displayName isAnonymous } } ... on Error { message } } }`,
      { input: { userId: "eve", reason: "GDPR request #42" } },
      "admin",
    );
    expect(erase.data.eraseUser.__typename).toBe("EraseUserPayload");
    const anonymousId = erase.data.eraseUser.erasedExternalId;
    expect(anonymousId).toMatch(/^erased-/);
    expect(erase.data.eraseUser.user).toEqual({ displayName: "Anonymous member", isAnonymous: true });

    const db = app.db;
    const row = await db.user.findUniqueOrThrow({ where: { id: ids.user } });
    expect(row).toMatchObject({ externalId: anonymousId, displayName: null, email: null, attributes: {} });
    expect(row.erasedAt).toBeInstanceOf(Date);
    expect(await db.usageEvent.count({ where: { userId: ids.user } })).toBe(0);
    expect(await db.usageSession.count({ where: { userId: ids.user } })).toBe(0);
    expect(await db.notification.count({ where: { userId: ids.user } })).toBe(0);
    const fb = await db.feedback.findFirstOrThrow({ where: { authorId: ids.user } });
    expect([fb.title, fb.body, fb.voteCount]).toEqual(["[erased]", "[erased]", 1]);
    const referral = await db.referral.findFirstOrThrow({ where: { referrerId: ids.user } });
    expect([referral.contactName, referral.contactEmail, referral.company]).toEqual(["[erased]", null, null]);
    expect((await db.membership.findFirstOrThrow({ where: { userId: ids.user } })).overrideReason).toBeNull();
    // Aggregates stay.
    expect(await db.usageDaily.count({ where: { userId: ids.user } })).toBe(1);
    expect(await db.userDay.count({ where: { userId: ids.user } })).toBe(1);
    expect(await db.pointsEntry.count({ where: { userId: ids.user } })).toBe(1);
    expect(await db.feedbackVote.count()).toBe(1);
    const boardAfter = await app.gql(`{ leaderboard(first: 10) { totalCount edges { node { rank points user { displayName } } } } }`, {}, "admin");
    expect(boardAfter.data.leaderboard.totalCount).toBe(boardBefore.data.leaderboard.totalCount);
    expect(boardAfter.data.leaderboard.edges.map((e: any) => e.node.points)).toEqual(boardBefore.data.leaderboard.edges.map((e: any) => e.node.points));
    expect(boardAfter.data.leaderboard.edges[0].node.user.displayName).toBe("Anonymous member");

    // No trace of the person in the whole database, audit snapshots included.
    const everything = JSON.stringify(await app.gql(`query ($id: String!) { exportUserData(userId: $id) }`, { id: anonymousId }, "admin"));
    for (const secret of ["Eve Example", "eve@example.com", "555-0100", "carl@acme.test", "Eve at ConfX", '"eve"']) expect(everything).not.toContain(secret);
    const audit = JSON.stringify(await db.auditLog.findMany());
    expect(audit).not.toContain("eve@example.com");
    expect(audit).toContain("GDPR request #42");
    expect(await db.user.findUnique({ where: { externalId: "eve" } })).toBeNull();
  });

  it("refuses to erase an unknown person or without a reason, writing nothing", async () => {
    const before = await app.db.auditLog.count();
    const unknown = await app.gql(`mutation { eraseUser(input: { userId: "ghost", reason: "x" }) { __typename ... on NotFoundError { resource key } } }`, {}, "admin");
    expect(unknown.data.eraseUser).toEqual({ __typename: "NotFoundError", resource: "User", key: "ghost" });
    const noReason = await app.gql(`mutation { eraseUser(input: { userId: "olga", reason: " " }) { __typename ... on ValidationError { field } } }`, {}, "admin");
    expect(noReason.data.eraseUser).toEqual({ __typename: "ValidationError", field: "input.reason" });
    expect((await app.db.user.findUniqueOrThrow({ where: { externalId: "olga" } })).erasedAt).toBeNull();
    expect(await app.db.auditLog.count()).toBe(before);
  });
});
