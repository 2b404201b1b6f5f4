import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribe } from "../helpers/sse.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateCohortInput!) {
    createCohort(input: $input) {
      __typename
      ... on CreateCohortPayload { cohort { id name capacity seatsLeft acceptedCount waitlistLength mode isOpen featureKey } }
      ... on ValidationError { field message }
    }
  }
`;
const JOIN = /* GraphQL */ `
  mutation ($id: ID!) {
    joinCohort(input: { cohortId: $id }) {
      __typename
      ... on JoinCohortPayload { enrollment { id status waitlistPosition } }
      ... on Error { message }
      ... on NotEligibleError { summary explanation { passed } }
      ... on CohortNotOpenError { opensAt }
      ... on CohortClosedError { closedAt }
    }
  }
`;
const LEAVE = `mutation ($id: ID!) { leaveCohort(input: { cohortId: $id }) { __typename ... on LeaveCohortPayload { enrollment { status } } ... on Error { message } } }`;
const CAPACITY = `mutation ($id: ID!, $c: Int!) { changeCohortCapacity(input: { id: $id, capacity: $c }) { __typename ... on ChangeCohortCapacityPayload { cohort { capacity acceptedCount seatsLeft waitlistLength } } ... on CapacityBelowAcceptedError { field capacity acceptedCount message } ... on ValidationError { field } } }`;
const COHORT = `query ($id: ID!) { cohort(id: $id) { id name capacity seatsLeft acceptedCount waitlistLength mode isOpen myEnrollment { id status waitlistPosition } } }`;

describe("cohorts", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  async function cohort(input: Record<string, unknown>) {
    const r = await app.gql(CREATE, { input: { name: "Beta", featureKey: "beta-x", capacity: 2, ...input } }, "admin");
    expect(r.errors).toBeUndefined();
    expect(r.data.createCohort.__typename).toBe("CreateCohortPayload");
    return r.data.createCohort.cohort as { id: string };
  }
  const join = async (id: string, who: string) => (await app.gql(JOIN, { id }, await app.memberToken(who))).data.joinCohort;

  it("accepts members while seats last, then waitlists them in order, and joining twice returns the same enrolment", async () => {
    const c = await cohort({ featureKey: "order" });
    const a = await join(c.id, "a1");
    const b = await join(c.id, "a2");
    const w1 = await join(c.id, "a3");
    const w2 = await join(c.id, "a4");
    expect([a.enrollment.status, b.enrollment.status]).toEqual(["ACCEPTED", "ACCEPTED"]);
    expect(w1.enrollment).toMatchObject({ status: "WAITLISTED", waitlistPosition: 1 });
    expect(w2.enrollment).toMatchObject({ status: "WAITLISTED", waitlistPosition: 2 });
    const again = await join(c.id, "a3");
    expect(again.enrollment.id).toBe(w1.enrollment.id);
    const seen = await app.gql(COHORT, { id: c.id }, await app.memberToken("a4"));
    expect(seen.data.cohort).toMatchObject({ seatsLeft: 0, acceptedCount: 2, waitlistLength: 2, myEnrollment: { status: "WAITLISTED", waitlistPosition: 2 } });
  });

  it("pushes a cohort's seats and waitlist live over server-sent events as people join and leave", async () => {
    const c = await cohort({ featureKey: "live-seats", capacity: 1 });
    const stream = await subscribe(app.url, `subscription ($id: ID!) { cohortChanged(id: $id) { id seatsLeft acceptedCount waitlistLength } }`, { id: c.id });
    try {
      expect(stream.status).toBe(200);
      expect((await stream.next()).data.cohortChanged).toEqual({ id: c.id, seatsLeft: 1, acceptedCount: 0, waitlistLength: 0 });
      await join(c.id, "live-1");
      expect((await stream.next()).data.cohortChanged).toMatchObject({ seatsLeft: 0, acceptedCount: 1, waitlistLength: 0 });
      await join(c.id, "live-2");
      expect((await stream.next()).data.cohortChanged).toMatchObject({ seatsLeft: 0, acceptedCount: 1, waitlistLength: 1 });
      // Leaving hands the seat to the head of the waitlist.
      await app.gql(LEAVE, { id: c.id }, await app.memberToken("live-1"));
      expect((await stream.next()).data.cohortChanged).toMatchObject({ seatsLeft: 0, acceptedCount: 1, waitlistLength: 0 });
    } finally {
      stream.close();
    }
  });

  it("shows public fields anonymously with no myEnrollment, and refuses anonymous joins", async () => {
    const c = await cohort({ featureKey: "anon" });
    const seen = await app.gql(COHORT, { id: c.id });
    expect(seen.errors).toBeUndefined();
    expect(seen.data.cohort).toMatchObject({ name: "Beta", seatsLeft: 2, isOpen: true, myEnrollment: null });
    const denied = await app.gql(JOIN, { id: c.id });
    expect(denied.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await app.db.enrollment.count({ where: { cohortId: Buffer.from(c.id, "base64").toString().split(":")[1] } })).toBe(0);
  });

  it("gives a leaver's seat to the head of the waitlist, who is notified", async () => {
    const c = await cohort({ featureKey: "leave", capacity: 1 });
    await join(c.id, "l1");
    await join(c.id, "l2");
    await join(c.id, "l3");
    const left = await app.gql(LEAVE, { id: c.id }, await app.memberToken("l1"));
    expect(left.data.leaveCohort.enrollment.status).toBe("LEFT");
    const l2 = await app.gql(COHORT, { id: c.id }, await app.memberToken("l2"));
    expect(l2.data.cohort).toMatchObject({ acceptedCount: 1, waitlistLength: 1, myEnrollment: { status: "ACCEPTED", waitlistPosition: null } });
    const l3 = await app.gql(COHORT, { id: c.id }, await app.memberToken("l3"));
    expect(l3.data.cohort.myEnrollment.waitlistPosition).toBe(1);
    const notes = await app.gql(`{ myNotifications(unreadOnly: true) { totalCount edges { node { id kind title read } } } }`, {}, await app.memberToken("l2"));
    expect(notes.data.myNotifications.edges.map((e: any) => e.node.kind)).toContain("cohort.promoted");
  });

  it("puts sign-ups in approval mode as PENDING until an admin approves, and rejects with a reason", async () => {
    const c = await cohort({ featureKey: "approval", mode: "APPROVAL", capacity: 1 });
    const p1 = await join(c.id, "p1");
    const p2 = await join(c.id, "p2");
    expect(p1.enrollment.status).toBe("PENDING");
    const approve = `mutation ($id: ID!) { approveEnrollment(input: { enrollmentId: $id }) { __typename ... on ApproveEnrollmentPayload { enrollment { status } } ... on Error { message } } }`;
    expect((await app.gql(approve, { id: p1.enrollment.id }, "admin")).data.approveEnrollment.enrollment.status).toBe("ACCEPTED");
    expect((await app.gql(approve, { id: p1.enrollment.id }, "admin")).data.approveEnrollment.__typename).toBe("ConflictError");
    const reject = `mutation ($id: ID!) { rejectEnrollment(input: { enrollmentId: $id, reason: "not this time" }) { ... on RejectEnrollmentPayload { enrollment { status reason } } } }`;
    expect((await app.gql(reject, { id: p2.enrollment.id }, "admin")).data.rejectEnrollment.enrollment).toEqual({ status: "REJECTED", reason: "not this time" });
    const member = await app.gql(approve, { id: p2.enrollment.id }, await app.memberToken("p2"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lets only invited members join an invite-only cohort", async () => {
    const c = await cohort({ featureKey: "invite", mode: "INVITE_ONLY" });
    const refused = await join(c.id, "stranger");
    expect(refused.__typename).toBe("NotInvitedError");
    const inv = await app.gql(`mutation ($id: ID!) { inviteToCohort(input: { cohortId: $id, userId: "guest" }) { ... on InviteToCohortPayload { enrollment { status } } } }`, { id: c.id }, "admin");
    expect(inv.data.inviteToCohort.enrollment.status).toBe("INVITED");
    expect((await join(c.id, "guest")).enrollment.status).toBe("ACCEPTED");
  });

  it("refuses a member who fails the eligibility criteria with the explanation, and admits them once they qualify", async () => {
    const c = await cohort({ featureKey: "eligible", eligibility: { condition: { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 2 } } });
    const JOIN_EXPLAINED = `mutation ($id: ID!) { joinCohort(input: { cohortId: $id }) { __typename ... on JoinCohortPayload { enrollment { status } } ... on NotEligibleError { message summary explanation { passed conditions { metric actual threshold passed label } } } } }`;
    const token = await app.memberToken("newbie");
    const refused = (await app.gql(JOIN_EXPLAINED, { id: c.id }, token)).data.joinCohort;
    expect(refused).toMatchObject({ __typename: "NotEligibleError", explanation: { passed: false, conditions: [{ metric: "ACTIVE_DAYS", actual: 0, threshold: 2, passed: false }] } });
    expect(refused.summary).toBe(refused.explanation.conditions[0].label);
    const user = await app.db.user.findUniqueOrThrow({ where: { externalId: "newbie" } });
    expect(await app.db.enrollment.count({ where: { userId: user.id } })).toBe(0);
    const today = Math.floor(Date.now() / 86_400_000);
    await app.db.userDay.createMany({ data: [today, today - 1].map((day) => ({ userId: user.id, day, events: 1 })) });
    expect((await app.gql(JOIN_EXPLAINED, { id: c.id }, token)).data.joinCohort).toEqual({ __typename: "JoinCohortPayload", enrollment: { status: "ACCEPTED" } });
    const bad = await app.gql(CREATE, { input: { name: "X", featureKey: "x", capacity: 1, eligibilityJson: { metric: "ACTIVE_DAYS", windowDays: 999, value: 1 } } }, "admin");
    expect(bad.data.createCohort).toMatchObject({ __typename: "ValidationError" });
    expect(bad.data.createCohort.field).toMatch(/^input\.eligibility/);
  });

  it("emits cohort.enrollment_changed and publishes cohort.changed for every change, the promotion included", async () => {
    await app.db.webhookSubscription.create({ data: { url: "http://127.0.0.1:9/unused", events: ["cohort.enrollment_changed"], secret: "s", active: true } });
    const c = await cohort({ featureKey: "events", capacity: 1 });
    const id = Buffer.from(c.id, "base64").toString().split(":")[1]!;
    const published: string[] = [];
    const iterator = app.server.services.pubsub.subscribe("cohort.changed", id)[Symbol.asyncIterator]();
    const reading = (async () => {
      for (let i = 0; i < 3; i++) published.push(((await iterator.next()).value as { cohortId: string }).cohortId);
    })();
    await join(c.id, "e1");
    await join(c.id, "e2");
    await app.gql(LEAVE, { id: c.id }, await app.memberToken("e1"));
    await reading;
    await iterator.return?.();
    expect(published).toEqual([id, id, id]);
    const deliveries = await app.db.webhookDelivery.findMany({ where: { event: "cohort.enrollment_changed" }, orderBy: { createdAt: "asc" } });
    const changes = deliveries
      .map((d) => (d.payload as { data: { cohortId: string; userId: string; status: string; previousStatus: string | null } }).data)
      .filter((d) => d.cohortId === id)
      .map((d) => `${d.userId}:${d.previousStatus}->${d.status}`);
    expect(changes.sort()).toEqual(["e1:ACCEPTED->LEFT", "e1:null->ACCEPTED", "e2:WAITLISTED->ACCEPTED", "e2:null->WAITLISTED"]);
    await app.db.webhookSubscription.deleteMany({ where: { url: "http://127.0.0.1:9/unused" } });
  });

  it("lists live cohorts as a connection and keeps one member's enrolment from another", async () => {
    for (const featureKey of ["list-1", "list-2", "list-3"]) await cohort({ featureKey });
    const page = await app.gql(`{ cohorts(first: 2) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }`);
    expect(page.errors).toBeUndefined();
    expect(page.data.cohorts.edges).toHaveLength(2);
    expect(page.data.cohorts.pageInfo.hasNextPage).toBe(true);
    const c = await cohort({ featureKey: "private" });
    await join(c.id, "owner-1");
    const LIST = `query ($id: ID!) { cohort(id: $id) { enrollments { edges { node { status user { externalId } } } } } }`;
    const other = await app.gql(LIST, { id: c.id }, await app.memberToken("other-1"));
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const admin = await app.gql(LIST, { id: c.id }, "admin");
    expect(admin.data.cohort.enrollments.edges).toEqual([{ node: { status: "ACCEPTED", user: { externalId: "owner-1" } } }]);
  });

  it("says when a cohort opens and when it closed", async () => {
    const opensAt = new Date(Date.now() + 86_400_000).toISOString();
    const future = await cohort({ featureKey: "later", opensAt });
    const early = await join(future.id, "eager");
    expect(early).toMatchObject({ __typename: "CohortNotOpenError", opensAt });
    const closed = await cohort({ featureKey: "past", opensAt: "2020-01-01T00:00:00Z", closesAt: "2020-02-01T00:00:00Z" });
    expect((await join(closed.id, "late")).__typename).toBe("CohortClosedError");
  });

  it("refuses closesAt before opensAt and a capacity below the accepted count, writing nothing", async () => {
    const before = await app.db.cohort.count();
    const bad = await app.gql(CREATE, { input: { name: "X", featureKey: "x", capacity: 1, opensAt: "2030-02-01T00:00:00Z", closesAt: "2030-01-01T00:00:00Z" } }, "admin");
    expect(bad.data.createCohort).toMatchObject({ __typename: "ValidationError", field: "input.closesAt" });
    const zero = await app.gql(CREATE, { input: { name: "X", featureKey: "x", capacity: 0 } }, "admin");
    expect(zero.data.createCohort).toMatchObject({ __typename: "ValidationError", field: "input.capacity" });
    expect(await app.db.cohort.count()).toBe(before);

    const c = await cohort({ featureKey: "cap", capacity: 3 });
    for (const who of ["c1", "c2", "c3", "c4", "c5"]) await join(c.id, who);
    const low = await app.gql(CAPACITY, { id: c.id, c: 2 }, "admin");
    expect(low.data.changeCohortCapacity).toMatchObject({ __typename: "CapacityBelowAcceptedError", capacity: 2, acceptedCount: 3, field: "input.capacity" });
    const unchanged = await app.gql(COHORT, { id: c.id });
    expect(unchanged.data.cohort.capacity).toBe(3);
    const up = await app.gql(CAPACITY, { id: c.id, c: 4 }, "admin");
    expect(up.data.changeCohortCapacity.cohort).toEqual({ capacity: 4, acceptedCount: 4, seatsLeft: 0, waitlistLength: 1 });
    const c4 = await app.gql(COHORT, { id: c.id }, await app.memberToken("c4"));
    expect(c4.data.cohort.myEnrollment.status).toBe("ACCEPTED");
    const window = await app.gql(`mutation ($id: ID!) { updateCohort(input: { id: $id, opensAt: "2030-02-01T00:00:00Z", closesAt: "2030-01-01T00:00:00Z" }) { __typename ... on ValidationError { field } } }`, { id: c.id }, "admin");
    expect(window.data.updateCohort).toEqual({ __typename: "ValidationError", field: "input.closesAt" });
  });

  it("answers featureAccess for read keys, correct right after an enrolment change", async () => {
    const c = await cohort({ featureKey: "flag", capacity: 1 });
    const key = await app.gql(`mutation { createApiKey(input: { name: "flags", scopes: [READ] }) { ... on CreateApiKeyPayload { secret } } }`, {}, "admin");
    expect(key.errors).toBeUndefined();
    const reader = key.data.createApiKey.secret;
    const check = async (u: string) => (await app.gql(`query ($u: String!) { featureAccess(featureKey: "flag", userId: $u) }`, { u }, reader)).data.featureAccess;
    expect(await check("f1")).toBe(false);
    await join(c.id, "f1");
    await join(c.id, "f2");
    expect(await check("f1")).toBe(true);
    expect(await check("f2")).toBe(false);
    await app.gql(LEAVE, { id: c.id }, await app.memberToken("f1"));
    expect(await check("f1")).toBe(false);
    expect(await check("f2")).toBe(true);
    const batch = await app.gql(`{ featureAccessBatch(featureKey: "flag", userIds: ["f1", "f2", "nobody"]) { userId hasAccess } }`, {}, reader);
    expect(batch.data.featureAccessBatch).toEqual([
      { userId: "f1", hasAccess: false },
      { userId: "f2", hasAccess: true },
      { userId: "nobody", hasAccess: false },
    ]);
    const member = await app.gql(`{ featureAccess(featureKey: "flag", userId: "f2") }`, {}, await app.memberToken("f2"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await app.gql(`mutation ($id: ID!) { updateCohort(input: { id: $id, archived: true }) { __typename } }`, { id: c.id }, "admin");
    expect(await check("f2")).toBe(false);
  });

  it("never exceeds capacity under 300 simultaneous sign-ups over HTTP; everyone else gets a distinct waitlist place", async () => {
    const capacity = 25;
    const c = await cohort({ featureKey: "rush", capacity });
    const tokens = await Promise.all(Array.from({ length: 300 }, (_, i) => app.memberToken(`rush-${i}`)));
    const results = await Promise.all(
      tokens.map(async (token) => {
        const response = await fetch(`${app.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: JOIN, variables: { id: c.id } }),
        });
        return (await response.json()) as any;
      }),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    const statuses = results.map((r) => r.data.joinCohort.enrollment.status);
    expect(statuses.filter((s: string) => s === "ACCEPTED")).toHaveLength(capacity);
    expect(statuses.filter((s: string) => s === "WAITLISTED")).toHaveLength(300 - capacity);
    const id = Buffer.from(c.id, "base64").toString().split(":")[1]!;
    const row = await app.db.cohort.findUniqueOrThrow({ where: { id } });
    expect(row.acceptedCount).toBe(capacity);
    expect(await app.db.enrollment.count({ where: { cohortId: id, status: "ACCEPTED" } })).toBe(capacity);
    const waitlisted = await app.db.enrollment.findMany({ where: { cohortId: id, status: "WAITLISTED" }, select: { waitlistSeq: true } });
    expect(new Set(waitlisted.map((w) => w.waitlistSeq)).size).toBe(300 - capacity);
    const positions = await Promise.all(results.filter((r) => r.data.joinCohort.enrollment.status === "WAITLISTED").map((r) => r.data.joinCohort.enrollment.waitlistPosition));
    expect(new Set(positions).size).toBe(300 - capacity);
  }, 120_000);
});
