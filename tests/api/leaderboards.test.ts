import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribe } from "../helpers/sse.ts";
import { countStatements } from "../helpers/statements.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { leaderboardPage, leaderboardPosition } from "../../api/domain/leaderboard.ts";
import type { Period } from "../../api/domain/periods.ts";
import { rebuildPeriodTotals } from "../../api/domain/points.ts";

const RECORD = /* GraphQL */ `
  mutation ($input: RecordContributionInput!) {
    recordContribution(input: $input) { __typename ... on RecordContributionPayload { contribution { id } } }
  }
`;
const BOARD = /* GraphQL */ `
  query ($period: LeaderboardPeriod, $team: String, $first: Int, $after: String) {
    leaderboard(period: $period, team: $team, first: $first, after: $after) {
      totalCount
      myPosition { rank points }
      pageInfo { hasNextPage endCursor }
      edges { node { rank points user { externalId displayName isAnonymous } } }
    }
  }
`;

let seq = 0;
// Through the API, as the product changes people: a write straight to the database would not
// tell the board cache (api/cache/board-cache.ts), and the next read could be the cached board.
async function upsert(app: TestApp, input: Record<string, unknown>) {
  const r = await app.gql(`mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`, { input }, "admin");
  expect(r.data.upsertUser.__typename).toBe("UpsertUserPayload");
}

function record(app: TestApp, userId: string, points: number, occurredAt: string) {
  return app.gql(RECORD, { input: { userId, kind: "ANSWER", points, occurredAt, externalId: `lb-${++seq}` } }, "admin");
}

describe("leaderboards", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("shares ranks on ties (1, 2, 2, 4) and puts whoever reached the total first ahead", async () => {
    await app.db.user.createMany({ data: ["ann", "bob", "cat", "dan"].map((id) => ({ externalId: id, displayName: id.toUpperCase() })) });
    await record(app, "ann", 100, "2026-01-10T10:00:00Z");
    await record(app, "cat", 50, "2026-01-12T10:00:00Z"); // cat reaches 50 after bob
    await record(app, "bob", 50, "2026-01-11T10:00:00Z");
    await record(app, "dan", 20, "2026-01-09T10:00:00Z");
    const board = await app.gql(BOARD, { first: 10 });
    expect(board.errors).toBeUndefined();
    expect(board.data.leaderboard.totalCount).toBe(4);
    expect(board.data.leaderboard.edges.map((e: any) => [e.node.rank, e.node.user.externalId, e.node.points])).toEqual([
      [1, "ann", 100], [2, "bob", 50], [2, "cat", 50], [4, "dan", 20],
    ]);
  });

  it("keeps shared ranks across pages", async () => {
    const first = await app.gql(BOARD, { first: 2 });
    expect(first.data.leaderboard.pageInfo.hasNextPage).toBe(true);
    const next = await app.gql(BOARD, { first: 2, after: first.data.leaderboard.pageInfo.endCursor });
    expect(next.data.leaderboard.edges.map((e: any) => [e.node.rank, e.node.user.externalId])).toEqual([[2, "cat"], [4, "dan"]]);
  });

  it("gives a member their own position, shared rank included", async () => {
    const mine = await app.gql(BOARD, { first: 1 }, await app.memberToken("cat"));
    expect(mine.data.leaderboard.myPosition).toEqual({ rank: 2, points: 50 });
    const none = await app.gql(BOARD, { first: 1 }, await app.memberToken("newcomer"));
    expect(none.data.leaderboard.myPosition).toBeNull();
  });

  it("answers myPosition asked alone (no edges), on all-time and period boards, ties shared", async () => {
    const token = await app.memberToken("cat");
    for (const period of ["ALL_TIME", "YEAR"]) {
      const alone = await app.gql(`query ($period: LeaderboardPeriod) { leaderboard(period: $period) { myPosition { rank points user { externalId } } } }`, { period }, token);
      expect(alone.errors).toBeUndefined();
      expect(alone.data.leaderboard.myPosition).toEqual({ rank: 2, points: 50, user: { externalId: "cat" } });
    }
    const viaFragment = await app.gql(`{ leaderboard(first: 1) { ...B } } fragment B on LeaderboardConnection { myPosition { rank } edges { node { rank } } }`, {}, token);
    expect(viaFragment.data.leaderboard).toEqual({ myPosition: { rank: 2 }, edges: [{ node: { rank: 1 } }] });
  });

  it("keeps an opted-out member's place but shows an anonymous member to others", async () => {
    await upsert(app, { externalId: "bob", showOnLeaderboards: false });
    const anon = await app.gql(BOARD, { first: 10 });
    expect(anon.data.leaderboard.edges[1].node).toMatchObject({ rank: 2, user: { displayName: "Anonymous member", isAnonymous: true } });
    expect(anon.data.leaderboard.edges[1].node.user.externalId).toBe("anonymous");
    expect(JSON.stringify(anon.data)).not.toMatch(/BOB|"bob"/);
    const admin = await app.gql(BOARD, { first: 10 }, "admin");
    expect(admin.data.leaderboard.edges[1].node.user).toMatchObject({ displayName: "BOB", isAnonymous: false });
    const self = await app.gql(BOARD, { first: 10 }, await app.memberToken("bob"));
    expect(self.data.leaderboard.edges[1].node.user.displayName).toBe("BOB");
    await upsert(app, { externalId: "bob", showOnLeaderboards: true });
  });

  it("drops a reversed contribution from the board", async () => {
    const rec = await record(app, "eve", 500, "2026-01-15T10:00:00Z");
    let board = await app.gql(BOARD, { first: 1 });
    expect(board.data.leaderboard.edges[0].node.user.externalId).toBe("eve");
    await app.gql(`mutation ($id: ID!) { moderateContribution(input: { id: $id, decision: REJECT, reason: "spam" }) { __typename } }`, { id: rec.data.recordContribution.contribution.id }, "admin");
    board = await app.gql(BOARD, { first: 10 });
    expect(board.data.leaderboard.edges.map((e: any) => e.node.user.externalId)).not.toContain("eve");
    expect(board.data.leaderboard.totalCount).toBe(4);
  });

  it.each<[Period, string, string]>([
    ["WEEK", "2026-03-30T00:00:00.000Z", "2026-04-05T23:59:59.999Z"], // Monday to Sunday
    ["MONTH", "2026-02-01T00:00:00.000Z", "2026-02-28T23:59:59.999Z"],
    ["QUARTER", "2026-04-01T00:00:00.000Z", "2026-06-30T23:59:59.999Z"],
    ["YEAR", "2025-01-01T00:00:00.000Z", "2025-12-31T23:59:59.999Z"],
  ])("counts a %s board from its first instant and not a millisecond before", async (period, startIso, lastIso) => {
    const user = `edge-${period.toLowerCase()}`;
    const start = new Date(startIso);
    await record(app, user, 7, startIso); // exactly at the start: in
    await record(app, user, 1000, new Date(start.getTime() - 1).toISOString()); // 1 ms before: out
    const now = new Date(lastIso); // the period's last instant
    const page = await leaderboardPage(app.db, app.database.dialect, { period, offset: 0, limit: 100, now });
    const internal = (await app.db.user.findUniqueOrThrow({ where: { externalId: user } })).id;
    expect(page.rows.find((r) => r.userId === internal)?.points).toBe(7);
    const pos = await leaderboardPosition(app.db, app.database.dialect, { period, now }, internal);
    expect(pos?.points).toBe(7);
    const next = await leaderboardPage(app.db, app.database.dialect, { period, offset: 0, limit: 100, now: new Date(now.getTime() + 1) });
    expect(next.rows.find((r) => r.userId === internal)).toBeUndefined();
  });

  it("keeps every period total equal to what the ledger adds up to (the migration's backfill), reversals included", async () => {
    const MODERATE = `mutation ($input: ModerateContributionInput!) { moderateContribution(input: $input) { __typename } }`;
    // Sundays and Mondays, month, quarter and year edges, and a reversal dated like its original.
    const dates = ["2025-12-28T23:59:59.999Z", "2025-12-29T00:00:00.000Z", "2026-03-31T23:59:59.999Z", "2026-04-01T00:00:00.000Z", "2026-01-31T12:00:00Z", "2026-02-01T00:00:00Z"];
    const ids: string[] = [];
    for (const [i, at] of dates.entries()) {
      const r = await record(app, `ledger-${i % 3}`, 10 + i, at);
      ids.push(r.data.recordContribution.contribution.id);
    }
    expect((await app.gql(MODERATE, { input: { id: ids[2], decision: "REJECT", reason: "Duplicate" } }, "admin")).data.moderateContribution.__typename).toBe("ModerateContributionPayload");
    const snapshot = async () =>
      (await app.db.pointsPeriodTotal.findMany({ orderBy: [{ userId: "asc" }, { scope: "asc" }, { period: "asc" }, { start: "asc" }] })).map((t) => ({ ...t, lastEarnedAt: t.lastEarnedAt.toISOString() }));
    const maintained = await snapshot();
    expect(maintained.length).toBeGreaterThan(0);
    await rebuildPeriodTotals(app.db, app.database.dialect);
    expect(await snapshot()).toEqual(maintained);
    // ledger-2 earned 12 on 2026-03-31 (rejected: reversed in that same week and quarter) and 15 on 2026-02-01.
    const who = (await app.db.user.findUniqueOrThrow({ where: { externalId: "ledger-2" } })).id;
    const endOfQ1 = new Date("2026-03-31T23:59:59.999Z");
    expect((await leaderboardPosition(app.db, app.database.dialect, { period: "QUARTER", now: endOfQ1 }, who))?.points).toBe(15);
    expect(await leaderboardPosition(app.db, app.database.dialect, { period: "WEEK", now: endOfQ1 }, who)).toBeNull();
  });

  it("filters by team", async () => {
    await upsert(app, { externalId: "dan", team: "Support" });
    await upsert(app, { externalId: "cat", team: "Support" });
    const board = await app.gql(BOARD, { team: "Support" });
    expect(board.data.leaderboard.edges.map((e: any) => [e.node.rank, e.node.user.externalId])).toEqual([[1, "cat"], [2, "dan"]]);
  });

  it("answers relations of the page's people (manager) from one query, whatever the page size", async () => {
    await upsert(app, { externalId: "ann", managerExternalId: "boss" });
    await upsert(app, { externalId: "cat", managerExternalId: "boss" });
    const q = `query ($first: Int) { leaderboard(first: $first) { edges { node { user { externalId manager { externalId } } } } } }`;
    const board = await app.gql(q, { first: 10 }, "admin");
    expect(board.errors).toBeUndefined();
    const managers = Object.fromEntries(board.data.leaderboard.edges.map((e: any) => [e.node.user.externalId, e.node.user.manager?.externalId ?? null]));
    expect(managers).toMatchObject({ ann: "boss", cat: "boss", bob: null });
    if (process.env.TEST_DB === "postgres") return; // the statement count below uses the SQLite driver
    const statements = countStatements();
    try {
      const counts: number[] = [];
      for (const first of [2, 4, 6]) {
        statements.reset();
        expect((await app.gql(q, { first }, "admin")).data.leaderboard.edges).toHaveLength(first);
        counts.push(statements.read());
      }
      expect(new Set(counts).size).toBe(1);
    } finally {
      statements.restore();
    }
  });

  it("pushes the top entries over server-sent events when points change", async () => {
    await app.db.user.createMany({ data: [{ externalId: "live-a", team: "Live" }, { externalId: "live-b", team: "Live" }] });
    await record(app, "live-a", 10, "2026-02-01T10:00:00Z");
    const stream = await subscribe(app.url, `subscription { leaderboardChanged(team: "Live", first: 3) { rank points user { externalId } } }`);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/text\/event-stream/);
    const nextEvent = stream.next;
    try {
      const initial = await nextEvent();
      expect(initial.data.leaderboardChanged).toEqual([{ rank: 1, points: 10, user: { externalId: "live-a" } }]);
      await record(app, "live-b", 50, "2026-02-01T10:00:00Z");
      const pushed = await nextEvent();
      expect(pushed.data.leaderboardChanged).toEqual([
        { rank: 1, points: 50, user: { externalId: "live-b" } },
        { rank: 2, points: 10, user: { externalId: "live-a" } },
      ]);
      // A burst of writes is coalesced: far fewer events than writes, the last one complete.
      await Promise.all(Array.from({ length: 8 }, () => record(app, "live-a", 10, "2026-02-02T10:00:00Z")));
      let events = 0;
      let latest: any;
      do {
        latest = await nextEvent();
        events++;
      } while (latest.data.leaderboardChanged[0].points !== 90);
      expect(latest.data.leaderboardChanged[0]).toEqual({ rank: 1, points: 90, user: { externalId: "live-a" } });
      expect(events).toBeLessThan(8);
    } finally {
      stream.close();
    }
  });
});
