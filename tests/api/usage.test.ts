import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { generateLog, reference, type LogEvent } from "../helpers/usage-log.ts";
import { dayOf, isoDateOf, parseIsoDate } from "../../api/domain/days.ts";
import { purgeExpiredUsageEvents } from "../../api/domain/usage/retention.ts";
import { registeredJobs } from "../../api/jobs.ts";

const INGEST = /* GraphQL */ `
  mutation ($events: [UsageEventInput!]!) {
    ingestUsage(input: { events: $events }) {
      __typename
      ... on IngestUsagePayload { accepted duplicates }
      ... on UsageBatchError { message issues { index field reason } }
      ... on ValidationError { field message }
    }
  }
`;

const ENGAGEMENT = /* GraphQL */ `
  query ($asOf: Date!) {
    engagement(asOf: $asOf) { __typename ... on Engagement { dau wau mau stickiness } ... on ValidationError { field } }
  }
`;

const today = dayOf(new Date());

async function ingest(app: TestApp, events: LogEvent[], auth = "admin") {
  let accepted = 0;
  let duplicates = 0;
  for (let i = 0; i < events.length; i += 5000) {
    const result = await app.gql(INGEST, { events: events.slice(i, i + 5000) }, auth);
    expect(result.errors).toBeUndefined();
    expect(result.data.ingestUsage.__typename).toBe("IngestUsagePayload");
    accepted += result.data.ingestUsage.accepted;
    duplicates += result.data.ingestUsage.duplicates;
  }
  return { accepted, duplicates };
}

const ev = (eventId: string, userId: string, occurredAt: string, feature = "edit", sessionId?: string): LogEvent => ({
  eventId,
  userId,
  occurredAt,
  feature,
  ...(sessionId ? { sessionId } : {}),
});

describe("usage analytics on a generated log", () => {
  let app: TestApp;
  const features = ["g-search", "g-edit", "g-share", "g-api", "g-sql"];
  const advanced = new Set(["g-api", "g-sql"]);
  const asOf = today - 5;
  const log = generateLog({ prefix: "g-", users: 40, features, lastDay: today - 2, days: 45, seed: 7 });
  const ref = reference(log, asOf);

  beforeAll(async () => {
    app = await createTestApp();
    for (const key of advanced) {
      const r = await app.gql(`mutation ($key: String!) { upsertFeature(input: { key: $key, name: $key, advanced: true }) { __typename } }`, { key }, "admin");
      expect(r.data.upsertFeature.__typename).toBe("UpsertFeaturePayload");
    }
    const counts = await ingest(app, log);
    expect(counts).toEqual({ accepted: log.length, duplicates: 0 });
  });
  afterAll(() => app.close());

  it("reports DAU, WAU, MAU and stickiness exactly as a brute-force count of the log", async () => {
    for (const day of [asOf, asOf - 1, asOf - 13, today - 2]) {
      const result = await app.gql(ENGAGEMENT, { asOf: isoDateOf(day) }, "admin");
      const expected = ref.engagement(day);
      expect(result.data.engagement).toMatchObject({ dau: expected.dau, wau: expected.wau, mau: expected.mau });
      expect(result.data.engagement.stickiness).toBeCloseTo(expected.stickiness, 10);
    }
  });

  it("gives a power-user curve with a bucket for every k, zeros included, equal to the reference", async () => {
    for (const windowDays of [7, 30, 45]) {
      const result = await app.gql(`query ($asOf: Date!, $w: Int) { powerUserCurve(asOf: $asOf, windowDays: $w) { ... on PowerUserCurve { windowDays buckets { activeDays users } } } }`, { asOf: isoDateOf(asOf), w: windowDays }, "admin");
      expect(result.errors).toBeUndefined();
      expect(result.data.powerUserCurve.windowDays).toBe(windowDays);
      expect(result.data.powerUserCurve.buckets).toEqual(ref.curve(windowDays));
    }
  });

  it("gives a daily engagement series equal to each day's own engagement", async () => {
    // From before the log starts to after its last day, so windows are partly empty at both ends.
    const from = today - 60;
    const to = today;
    const series = await app.gql(`query ($from: Date!, $to: Date!) { engagementSeries(from: $from, to: $to) { ... on QueryEngagementSeriesSuccess { data { date dau wau mau stickiness } } } }`, { from: isoDateOf(from), to: isoDateOf(to) }, "admin");
    expect(series.errors).toBeUndefined();
    const days = series.data.engagementSeries.data;
    expect(days).toHaveLength(61);
    days.forEach((d: { date: string; dau: number; wau: number; mau: number; stickiness: number }, i: number) => {
      const expected = ref.engagement(from + i);
      expect(d.date).toBe(isoDateOf(from + i));
      expect({ dau: d.dau, wau: d.wau, mau: d.mau }).toEqual({ dau: expected.dau, wau: expected.wau, mau: expected.mau });
      expect(d.stickiness).toBeCloseTo(expected.stickiness, 10);
    });
  });

  it("reports per-user usage (days, breadth, advanced features, distinct sessions, events) for everyone", async () => {
    const result = await app.gql(`query ($asOf: Date) { users(first: 100, search: "g-u") { edges { node { externalId usage(asOf: $asOf, windowDays: 30) { ... on UserUsage { activeDays featureBreadth advancedFeatures sessions events lastActiveAt } } } } } }`, { asOf: isoDateOf(asOf) }, "admin");
    expect(result.errors).toBeUndefined();
    const nodes = result.data.users.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(new Set(log.map((e) => e.userId)).size);
    for (const node of nodes) {
      expect(node.usage, node.externalId).toMatchObject(ref.perUser(node.externalId, 30, advanced));
      const latest = log.filter((e) => e.userId === node.externalId).map((e) => e.occurredAt).sort().at(-1) ?? null;
      expect(node.usage.lastActiveAt).toBe(latest);
    }
  });

  it("reports feature adoption among active users and among power users (active at least half the window)", async () => {
    const result = await app.gql(`query ($asOf: Date!) { featureAdoption(asOf: $asOf, windowDays: 30) { ... on FeatureAdoptionReport { powerUserMinDays features { feature { key advanced } users share powerUserShare } } } }`, { asOf: isoDateOf(asOf) }, "admin");
    expect(result.errors).toBeUndefined();
    const report = result.data.featureAdoption;
    expect(report.powerUserMinDays).toBe(15);
    const expected = ref.adoption(30);
    for (const row of report.features) {
      const want = expected.get(row.feature.key)!;
      expect(row.users, row.feature.key).toBe(want.users);
      expect(row.share).toBeCloseTo(want.share, 10);
      expect(row.powerUserShare).toBeCloseTo(want.powerUserShare, 10);
      expect(row.feature.advanced).toBe(advanced.has(row.feature.key));
    }
    expect(report.features.map((f: any) => f.feature.key).sort()).toEqual([...features].sort());
  });

  it("refuses windows outside 1..365 days and series longer than 366 days with a ValidationError", async () => {
    const zero = await app.gql(`{ powerUserCurve(asOf: "2026-01-01", windowDays: 0) { __typename ... on ValidationError { field } } }`, {}, "admin");
    expect(zero.data.powerUserCurve).toEqual({ __typename: "ValidationError", field: "windowDays" });
    const big = await app.gql(`{ featureAdoption(asOf: "2026-01-01", windowDays: 366) { __typename } }`, {}, "admin");
    expect(big.data.featureAdoption.__typename).toBe("ValidationError");
    const long = await app.gql(`{ engagementSeries(from: "2025-01-01", to: "2026-01-02") { __typename ... on ValidationError { field } } }`, {}, "admin");
    expect(long.data.engagementSeries).toEqual({ __typename: "ValidationError", field: "to" });
    const backwards = await app.gql(`{ engagementSeries(from: "2026-01-02", to: "2026-01-01") { __typename } }`, {}, "admin");
    expect(backwards.data.engagementSeries.__typename).toBe("ValidationError");
  });
});

describe("usage ingestion", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("counts an event at midnight on the new day and one at the last millisecond on the old day, and ignores events after asOf", async () => {
    await ingest(app, [
      ev("edge-1", "edge-a", "2025-03-10T00:00:00.000Z"),
      ev("edge-2", "edge-b", "2025-03-09T23:59:59.999Z"),
      ev("edge-3", "edge-c", "2025-03-11T00:00:00.000Z"),
      ev("edge-4", "edge-d", "2025-02-08T12:00:00+02:00"), // 2025-02-08 10:00Z: the first day of the 30-day window ending 2025-03-09
      ev("edge-5", "edge-e", "2025-02-07T23:59:59.999Z"), // just outside it
    ]);
    const on9 = await app.gql(ENGAGEMENT, { asOf: "2025-03-09" }, "admin");
    expect(on9.data.engagement).toMatchObject({ dau: 1, wau: 1, mau: 2 });
    const on10 = await app.gql(ENGAGEMENT, { asOf: "2025-03-10" }, "admin");
    expect(on10.data.engagement).toMatchObject({ dau: 1, wau: 2, mau: 2 });
    const curve = await app.gql(`{ powerUserCurve(asOf: "2025-03-10", windowDays: 2) { ... on PowerUserCurve { buckets { activeDays users } } } }`, {}, "admin");
    expect(curve.data.powerUserCurve.buckets).toEqual([{ activeDays: 1, users: 2 }, { activeDays: 2, users: 0 }]);
    const days = await app.db.userDay.findMany({ where: { user: { externalId: { in: ["edge-a", "edge-b"] } } }, include: { user: true } });
    expect(Object.fromEntries(days.map((d) => [d.user.externalId, isoDateOf(d.day)]))).toEqual({ "edge-a": "2025-03-10", "edge-b": "2025-03-09" });
  });

  it("treats a repeated eventId inside one batch and across batches as a duplicate, counting it once", async () => {
    const batch = [ev("dup-1", "dup-u", "2025-04-01T10:00:00Z", "edit", "s1"), ev("dup-1", "dup-u", "2025-04-01T10:00:00Z", "edit", "s1"), ev("dup-2", "dup-u", "2025-04-01T11:00:00Z", "view", "s1")];
    const first = await app.gql(INGEST, { events: batch }, "admin");
    expect(first.data.ingestUsage).toEqual({ __typename: "IngestUsagePayload", accepted: 2, duplicates: 1 });
    const replay = await app.gql(INGEST, { events: [...batch, ev("dup-3", "dup-u", "2025-04-01T12:00:00Z", "edit", "s2")] }, "admin");
    expect(replay.data.ingestUsage).toEqual({ __typename: "IngestUsagePayload", accepted: 1, duplicates: 3 });
    const user = await app.db.user.findUniqueOrThrow({ where: { externalId: "dup-u" } });
    const day = parseIsoDate("2025-04-01")!;
    expect(await app.db.userDay.findUniqueOrThrow({ where: { userId_day: { userId: user.id, day } } })).toMatchObject({ events: 3, sessions: 2 });
    const daily = await app.db.usageDaily.findMany({ where: { userId: user.id }, include: { feature: true } });
    expect(Object.fromEntries(daily.map((d) => [d.feature.key, [d.events, d.sessions]]))).toEqual({ edit: [2, 2], view: [1, 1] });
    expect(user.lastActiveAt?.toISOString()).toBe("2025-04-01T12:00:00.000Z");
    expect(await app.db.usageEvent.count({ where: { userId: user.id } })).toBe(3);
  });

  it("refuses the whole batch, listing every bad event, and writes nothing", async () => {
    const before = { users: await app.db.user.count(), events: await app.db.usageEvent.count(), features: await app.db.feature.count() };
    const tomorrowPlus = new Date(Date.now() + 26 * 3_600_000).toISOString();
    const result = await app.gql(INGEST, {
      events: [
        ev("ok-1", "new-person", "2025-05-01T10:00:00Z", "brand-new-feature"),
        ev("bad-1", "p", "2025-05-01T10:00:00Z", "  "),
        ev("bad-2", "p", tomorrowPlus),
        ev("bad-3", "p", "yesterday"),
        ev("x".repeat(201), "p", "2025-05-01T10:00:00Z"),
        { ...ev("bad-5", "p", "2025-05-01T10:00:00Z"), properties: { blob: "y".repeat(5000) } } as LogEvent,
        ev("bad-6", "has space", "2025-05-01T10:00:00Z"),
      ],
    }, "admin");
    expect(result.data.ingestUsage.__typename).toBe("UsageBatchError");
    expect(result.data.ingestUsage.issues.map((i: any) => [i.index, i.field])).toEqual([
      [1, "feature"],
      [2, "occurredAt"],
      [3, "occurredAt"],
      [4, "eventId"],
      [5, "properties"],
      [6, "userId"],
    ]);
    expect(result.data.ingestUsage.issues[1].reason).toMatch(/future/);
    expect({ users: await app.db.user.count(), events: await app.db.usageEvent.count(), features: await app.db.feature.count() }).toEqual(before);
  });

  it("refuses more than 5,000 events in one call with a UsageBatchError", async () => {
    const events = Array.from({ length: 5001 }, (_, i) => ev(`many-${i}`, "many", "2025-05-02T10:00:00Z"));
    const result = await app.gql(INGEST, { events }, "admin");
    expect(result.data.ingestUsage.__typename).toBe("UsageBatchError");
    expect(result.data.ingestUsage.issues[0].field).toBe("events");
    expect(await app.db.usageEvent.count({ where: { eventId: { startsWith: "many-" } } })).toBe(0);
  });

  it("does not double count when overlapping batches arrive concurrently", async () => {
    const log = generateLog({ prefix: "c-", users: 25, features: ["c-a", "c-b", "c-c"], lastDay: parseIsoDate("2025-06-30")!, days: 20, seed: 11 });
    // Four batches, each overlapping its neighbours by half; all sent at once, twice.
    const size = Math.ceil(log.length / 2.5);
    const step = Math.floor(size / 2);
    const batches = [0, 1, 2, 3, 4].map((i) => log.slice(i * step, i * step + size)).filter((b) => b.length > 0);
    const results = await Promise.all([...batches, ...batches].map((events) => app.gql(INGEST, { events }, "admin")));
    for (const r of results) expect(r.data?.ingestUsage?.__typename, JSON.stringify(r.errors ?? r.data)).toBe("IngestUsagePayload");
    const covered = new Set(batches.flat().map((e) => e.eventId));
    const accepted = results.reduce((s, r) => s + r.data.ingestUsage.accepted, 0);
    expect(accepted).toBe(covered.size);
    const ingested = log.filter((e) => covered.has(e.eventId));
    const ref = reference(ingested, parseIsoDate("2025-06-30")!);
    const users = await app.gql(`{ users(first: 100, search: "c-u") { edges { node { externalId usage(asOf: "2025-06-30", windowDays: 30) { ... on UserUsage { activeDays sessions events featureBreadth } } } } } }`, {}, "admin");
    for (const { node } of users.data.users.edges) {
      const want = ref.perUser(node.externalId, 30, new Set());
      expect(node.usage, node.externalId).toEqual({ activeDays: want.activeDays, sessions: want.sessions, events: want.events, featureBreadth: want.featureBreadth });
    }
    const sums = await app.db.usageDaily.aggregate({ _sum: { events: true }, where: { feature: { key: { startsWith: "c-" } } } });
    expect(sums._sum.events).toBe(covered.size);
  });

  it("records each accepted batch in the audit log with its counts, readable through Prisma", async () => {
    await ingest(app, [ev("audit-1", "audit-u", "2025-05-01T10:00:00Z"), ev("audit-1", "audit-u", "2025-05-01T10:00:00Z"), ev("audit-2", "audit-u", "2025-05-01T11:00:00Z")]);
    const entries = await app.db.auditLog.findMany({ where: { action: "usage.ingest" }, orderBy: { createdAt: "desc" }, take: 1 });
    expect(entries[0]).toMatchObject({ actorKind: "admin", targetType: "UsageEvent", after: { events: 3, accepted: 2, duplicates: 1 } });
    expect(Math.abs(entries[0]!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("keeps an interactive transaction that reads, waits and then writes intact while a batch arrives", async () => {
    // On SQLite the batch is written on a second connection (api/sqlite-writer.ts); committing it
    // between this transaction's read and write would make the write fail, so the batch waits.
    let landed = false;
    let pending: Promise<unknown> = Promise.resolve();
    await app.db.$transaction(async (tx) => {
      await tx.user.findMany({ take: 1 });
      pending = ingest(app, [ev("gate-1", "gate-u", "2025-05-02T10:00:00Z")]).then(() => (landed = true));
      await new Promise((r) => setTimeout(r, 100));
      if (app.database.dialect === "sqlite") expect(landed).toBe(false);
      await tx.user.create({ data: { externalId: "gate-writer", firstSeenAt: new Date() } });
    });
    await pending;
    expect(landed).toBe(true);
    expect(await app.db.user.count({ where: { externalId: { in: ["gate-u", "gate-writer"] } } })).toBe(2);
  });

  it("purges raw events received before the retention window and keeps the rollups", async () => {
    await ingest(app, [ev("old-1", "ret-u", "2025-07-01T10:00:00Z"), ev("old-2", "ret-u", "2025-07-02T10:00:00Z")]);
    const user = await app.db.user.findUniqueOrThrow({ where: { externalId: "ret-u" } });
    const rollupsBefore = await app.db.userDay.count({ where: { userId: user.id } });
    expect(await purgeExpiredUsageEvents(app.db, app.database.dialect, 90)).toBe(0);
    const later = new Date(Date.now() + 91 * 86_400_000);
    const purged = await purgeExpiredUsageEvents(app.db, app.database.dialect, 90, later);
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await app.db.usageEvent.count()).toBe(0);
    expect(await app.db.userDay.count({ where: { userId: user.id } })).toBe(rollupsBefore);
    expect(rollupsBefore).toBe(2);
    // The server runs the purge on an interval.
    expect(registeredJobs().map((j) => j.name)).toContain("usage.retention");
  });
});

describe("usage access", () => {
  let app: TestApp;
  const keyWith = async (scope: string) => {
    const r = await app.gql(`mutation ($scope: ApiKeyScope!) { createApiKey(input: { name: "k", scopes: [$scope] }) { ... on CreateApiKeyPayload { secret } } }`, { scope }, "admin");
    return r.data.createApiKey.secret as string;
  };
  beforeAll(async () => {
    app = await createTestApp();
    await ingest(app, [ev("auth-1", "auth-u", "2025-08-01T10:00:00Z"), ev("auth-2", "auth-u", "2025-08-01T11:00:00Z")]);
  });
  afterAll(() => app.close());

  it("lets admins and usage:write or write keys ingest, and denies anonymous callers, members and read keys", async () => {
    const events = [ev("k-1", "auth-k", "2025-08-05T10:00:00Z")];
    const anonymous = await app.gql(INGEST, { events });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const member = await app.gql(INGEST, { events }, await app.memberToken("auth-u"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const reader = await app.gql(INGEST, { events }, await keyWith("READ"));
    expect(reader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await app.db.usageEvent.count({ where: { eventId: { startsWith: "k-" } } })).toBe(0);
    const usageKey = await app.gql(INGEST, { events }, await keyWith("USAGE_WRITE"));
    expect(usageKey.data.ingestUsage).toMatchObject({ accepted: 1 });
    const writeKey = await app.gql(INGEST, { events: [ev("k-2", "auth-k", "2025-08-05T11:00:00Z")] }, await keyWith("WRITE"));
    expect(writeKey.data.ingestUsage).toMatchObject({ accepted: 1 });
  });

  it("lets read and metrics:read keys read workspace metrics, but not usage:write keys or members", async () => {
    for (const scope of ["READ", "METRICS_READ"]) {
      const r = await app.gql(ENGAGEMENT, { asOf: "2025-08-01" }, await keyWith(scope));
      expect(r.data.engagement, scope).toMatchObject({ dau: 1, mau: 1 });
    }
    const writer = await app.gql(ENGAGEMENT, { asOf: "2025-08-01" }, await keyWith("USAGE_WRITE"));
    expect(writer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const member = await app.gql(ENGAGEMENT, { asOf: "2025-08-01" }, await app.memberToken("auth-u"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("shows a member their own usage but not someone else's", async () => {
    await app.db.user.create({ data: { externalId: "other-u" } });
    const token = await app.memberToken("auth-u");
    const mine = await app.gql(`{ me { usage(asOf: "2025-08-01", windowDays: 7) { ... on UserUsage { activeDays events } } } }`, {}, token);
    expect(mine.errors).toBeUndefined();
    expect(mine.data.me.usage).toEqual({ activeDays: 1, events: 2 });
    // The public leaderboard shows people to anyone; their usage stays private.
    const authU = await app.db.user.findUniqueOrThrow({ where: { externalId: "auth-u" } });
    await app.db.pointsTotal.create({ data: { userId: authU.id, scope: "", points: 10, lastEarnedAt: new Date() } });
    const board = `{ leaderboard { edges { node { user { externalId usage(asOf: "2025-08-01") { ... on UserUsage { events } } } } } } }`;
    for (const caller of [undefined, await app.memberToken("other-u")]) {
      const theirs = await app.gql(board, {}, caller);
      expect(theirs.errors?.[0]?.extensions?.code).toBe(caller ? "FORBIDDEN" : "UNAUTHENTICATED");
      expect(theirs.errors?.[0]?.path).toEqual(["leaderboard", "edges", 0, "node", "user", "usage"]);
    }
    const own = await app.gql(board, {}, token);
    expect(own.data.leaderboard.edges[0].node.user.usage).toEqual({ events: 2 });
  });

  it("lets only admins and write keys upsert features; features are listed for readers", async () => {
    const denied = await app.gql(`mutation { upsertFeature(input: { key: "f1", name: "F1" }) { __typename } }`, {}, await keyWith("USAGE_WRITE"));
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const ok = await app.gql(`mutation { upsertFeature(input: { key: "f1", name: "Feature one", advanced: true, description: "d" }) { ... on UpsertFeaturePayload { feature { key name advanced description } } } }`, {}, await keyWith("WRITE"));
    expect(ok.data.upsertFeature.feature).toEqual({ key: "f1", name: "Feature one", advanced: true, description: "d" });
    const list = await app.gql(`{ features(first: 10) { edges { node { key name advanced } } } }`, {}, await keyWith("METRICS_READ"));
    expect(list.data.features.edges.map((e: any) => e.node.key)).toEqual(["edit", "f1"]);
    const audit = await app.db.auditLog.findFirst({ where: { action: "feature.create" } });
    expect(audit?.targetId).toBe("f1");
  });
});
