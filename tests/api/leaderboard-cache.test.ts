// The board response cache (api/cache/board-cache.ts): repeated reads are answered from memory,
// every write that can move a board makes the very next read fresh, and callers who see
// different things never share an entry. A write straight to the database (no mutation) stands
// in for what the cache cannot see, which shows whether a read was served from it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import type { RequestLogLine } from "../../api/security/logging.ts";

const BOARD = /* GraphQL */ `query Board($first: Int) {
  leaderboard(first: $first) { myPosition { rank points } edges { node { rank points user { externalId displayName } } } }
}`;
const RECORD = /* GraphQL */ `mutation ($input: RecordContributionInput!) {
  recordContribution(input: $input) { __typename ... on RecordContributionPayload { contribution { id } } }
}`;
const UPSERT = /* GraphQL */ `mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`;

type Row = { rank: number; points: number; user: { externalId: string; displayName: string } };
const rows = (r: { data?: any }) => r.data.leaderboard.edges.map((e: { node: Row }) => e.node) as Row[];
const nameOf = (r: { data?: any }, externalId: string) => rows(r).find((n) => n.user.externalId === externalId)?.user.displayName;

let seq = 0;
async function record(app: TestApp, userId: string, points: number) {
  const r = await app.gql(RECORD, { input: { userId, kind: "ANSWER", points, occurredAt: "2026-01-10T10:00:00Z", externalId: `cache-${++seq}` } }, "admin");
  expect(r.data.recordContribution.__typename).toBe("RecordContributionPayload");
  return r.data.recordContribution.contribution.id as string;
}

describe("leaderboard response cache", () => {
  let app: TestApp;
  const log: RequestLogLine[] = [];
  beforeAll(async () => {
    app = await createTestApp({ LEADERBOARD_CACHE_TTL_MS: "600000" }, { logSink: (line) => log.push(line) });
    await app.db.user.createMany({ data: ["ann", "bob", "cat"].map((id) => ({ externalId: id, displayName: id.toUpperCase() })) });
    await record(app, "ann", 100);
    await record(app, "bob", 50);
    await record(app, "cat", 20);
  });
  afterAll(() => app.close());

  it("answers a repeated read from the cache, and says so in the request log", async () => {
    const first = await app.gql(BOARD, { first: 10 });
    expect(nameOf(first, "ann")).toBe("ANN");
    await app.db.user.update({ where: { externalId: "ann" }, data: { displayName: "Written behind the cache's back" } });
    log.length = 0;
    const again = await app.gql(BOARD, { first: 10 });
    expect(again.data).toEqual(first.data);
    expect(log.at(-1)).toMatchObject({ operationName: "Board", status: 200, cache: "hit" });
    // Other variables are another entry.
    const other = await app.gql(BOARD, { first: 5 });
    expect(nameOf(other, "ann")).toBe("Written behind the cache's back");
  });

  it("keeps the response's headers on a hit: content type per Accept, request id, CORS", async () => {
    const post = (accept: string) =>
      fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept, origin: "http://allowed.example", "x-request-id": `req-${accept.length}` },
        body: JSON.stringify({ query: BOARD, variables: { first: 2 } }),
      });
    for (const accept of ["application/graphql-response+json", "application/json"]) {
      const miss = await post(accept);
      const missBody = await miss.text();
      log.length = 0;
      const hit = await post(accept);
      expect(log.at(-1)?.cache).toBe("hit");
      expect(hit.status).toBe(200);
      expect(hit.headers.get("content-type")).toBe(miss.headers.get("content-type"));
      expect(hit.headers.get("content-type")).toContain(accept);
      expect(hit.headers.get("x-request-id")).toBe(`req-${accept.length}`);
      expect(hit.headers.get("access-control-allow-origin")).toBe("http://allowed.example");
      expect(await hit.text()).toBe(missBody);
    }
  });

  it("answers GET requests from the cache too", async () => {
    const url = `${app.url}/graphql?query=${encodeURIComponent(BOARD)}&variables=${encodeURIComponent(JSON.stringify({ first: 3 }))}`;
    const first = await (await fetch(url, { headers: { accept: "application/json" } })).json();
    expect(first.data.leaderboard.edges).toHaveLength(3);
    log.length = 0;
    const again = await (await fetch(url, { headers: { accept: "application/json" } })).json();
    expect(again).toEqual(first);
    expect(log.at(-1)).toMatchObject({ method: "GET", operationName: "Board", cache: "hit" });
  });

  it("is fresh on the very next read after a rename through the API", async () => {
    await app.gql(BOARD, { first: 10 });
    await app.gql(UPSERT, { input: { externalId: "ann", displayName: "Ann Again" } }, "admin");
    expect(nameOf(await app.gql(BOARD, { first: 10 }), "ann")).toBe("Ann Again");
  });

  it("is fresh on the very next read after a contribution and after its reversal", async () => {
    await app.gql(BOARD, { first: 10 });
    const id = await record(app, "cat", 500);
    const after = rows(await app.gql(BOARD, { first: 10 }));
    expect(after[0]).toMatchObject({ rank: 1, points: 520, user: { externalId: "cat" } });
    const rejected = await app.gql(`mutation ($id: ID!) { moderateContribution(input: { id: $id, decision: REJECT, reason: "duplicate" }) { __typename } }`, { id }, "admin");
    expect(rejected.data.moderateContribution.__typename).toBe("ModerateContributionPayload");
    const reversed = rows(await app.gql(BOARD, { first: 10 }));
    expect(reversed.map((n) => [n.user.externalId, n.points])).toEqual([["ann", 100], ["bob", 50], ["cat", 20]]);
  });

  it("hides a member who opts out from the very next anonymous read, and never serves an admin's entry to anyone else", async () => {
    await app.gql(BOARD, { first: 10 });
    const bob = await app.memberToken("bob");
    const opt = await app.gql(`mutation { updateMyProfile(input: { showOnLeaderboards: false }) { __typename } }`, {}, bob);
    expect(opt.data.updateMyProfile.__typename).toBe("UpdateMyProfilePayload");
    // The admin reads first, so an entry naming Bob exists for the admin.
    expect(nameOf(await app.gql(BOARD, { first: 10 }, "admin"), "bob")).toBe("BOB");
    const anonymous = await app.gql(BOARD, { first: 10 });
    expect(JSON.stringify(anonymous.data)).not.toMatch(/BOB|"bob"/);
    expect(rows(anonymous)[1]).toMatchObject({ rank: 2, user: { displayName: "Anonymous member", externalId: "anonymous" } });
    const someone = await app.gql(BOARD, { first: 10 }, await app.memberToken("cat"));
    expect(JSON.stringify(someone.data)).not.toMatch(/BOB|"bob"/);
    // Bob himself still sees his name: his own entry, not the anonymous one.
    expect(nameOf(await app.gql(BOARD, { first: 10 }, bob), "bob")).toBe("BOB");
  });

  it("keeps myPosition per member", async () => {
    const ann = await app.gql(BOARD, { first: 1 }, await app.memberToken("ann"));
    const cat = await app.gql(BOARD, { first: 1 }, await app.memberToken("cat"));
    const anonymous = await app.gql(BOARD, { first: 1 });
    expect(ann.data.leaderboard.myPosition).toEqual({ rank: 1, points: 100 });
    expect(cat.data.leaderboard.myPosition).toEqual({ rank: 3, points: 20 });
    expect(anonymous.data.leaderboard.myPosition).toBeNull();
    expect((await app.gql(BOARD, { first: 1 }, await app.memberToken("ann"))).data.leaderboard.myPosition).toEqual({ rank: 1, points: 100 });
  });

  it("is fresh on the very next read after an erasure", async () => {
    await app.gql(BOARD, { first: 10 }, "admin");
    const erased = await app.gql(`mutation { eraseUser(input: { userId: "cat", reason: "request #7" }) { __typename } }`, {}, "admin");
    expect(erased.data.eraseUser.__typename).toBe("EraseUserPayload");
    const board = rows(await app.gql(BOARD, { first: 10 }, "admin"));
    expect(board.map((n) => n.user.externalId)).not.toContain("cat");
    expect(board.find((n) => n.points === 20)?.user.displayName).toBe("Anonymous member");
  });

  it("never answers a refused token from the cache", async () => {
    await app.gql(BOARD, { first: 10 });
    const refused = await app.gql(BOARD, { first: 10 }, "not-a-valid-token");
    expect(refused.status).toBe(401);
    expect(refused.data).toBeUndefined();
  });

  it("does not cache operations that read anything besides boards", async () => {
    const q = `query { leaderboard(first: 10) { edges { node { user { externalId displayName email } } } } }`;
    await app.gql(q, {}, "admin");
    await app.db.user.update({ where: { externalId: "ann" }, data: { email: "ann@example.com" } });
    const again = await app.gql(q, {}, "admin");
    expect(again.data.leaderboard.edges.find((e: any) => e.node.user.externalId === "ann").node.user.email).toBe("ann@example.com");
  });
});

describe("leaderboard response cache bounds", () => {
  let app: TestApp;
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => app?.close());

  it("counts answers from the cache against the rate limit", async () => {
    const limited = await createTestApp({ LEADERBOARD_CACHE_TTL_MS: "60000", RATE_LIMIT_ANONYMOUS: "3" });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.gql(BOARD, { first: 10 })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it("is off with LEADERBOARD_CACHE_TTL_MS=0", async () => {
    const off = await createTestApp({ LEADERBOARD_CACHE_TTL_MS: "0" });
    try {
      await off.db.user.create({ data: { externalId: "dee", displayName: "DEE" } });
      await record(off, "dee", 10);
      expect(nameOf(await off.gql(BOARD, { first: 10 }), "dee")).toBe("DEE");
      await off.db.user.update({ where: { externalId: "dee" }, data: { displayName: "Dee Renamed" } });
      expect(nameOf(await off.gql(BOARD, { first: 10 }), "dee")).toBe("Dee Renamed");
    } finally {
      await off.close();
    }
  });

  it("serves an entry for at most the TTL, and never past UTC midnight (period boards roll over there)", async () => {
    app = await createTestApp({ LEADERBOARD_CACHE_TTL_MS: "300" });
    await app.db.user.create({ data: { externalId: "eve", displayName: "EVE" } });
    await record(app, "eve", 10);
    await app.gql(BOARD, { first: 10 });
    await app.db.user.update({ where: { externalId: "eve" }, data: { displayName: "Eve 2" } });
    expect(nameOf(await app.gql(BOARD, { first: 10 }), "eve")).toBe("EVE");
    await new Promise((r) => setTimeout(r, 350));
    expect(nameOf(await app.gql(BOARD, { first: 10 }), "eve")).toBe("Eve 2");

    // A minute before midnight: a 300 ms TTL would not reach it, so use a clock that jumps.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-03-01T23:59:59.900Z") });
    await app.gql(BOARD, { first: 3 });
    await app.db.user.update({ where: { externalId: "eve" }, data: { displayName: "Eve 3" } });
    expect(nameOf(await app.gql(BOARD, { first: 3 }), "eve")).toBe("Eve 2");
    vi.setSystemTime(new Date("2026-03-02T00:00:00.050Z"));
    expect(nameOf(await app.gql(BOARD, { first: 3 }), "eve")).toBe("Eve 3");
  });
});
