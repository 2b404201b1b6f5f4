import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { seedDemo } from "../../api/demo/seed.ts";

// The demo workspace must show populated boards, feed, stories and cards, with the
// maintained totals agreeing with the ledger they were built from.
describe("recognition on the demo workspace", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await seedDemo(app.db, { users: 60 });
  });
  afterAll(() => app.close());

  it("keeps every maintained total equal to its ledger sum", async () => {
    const totals = await app.db.pointsTotal.findMany({ where: { scope: "" } });
    const sums = await app.db.pointsEntry.groupBy({ by: ["userId"], _sum: { points: true } });
    const bySum = new Map(sums.map((s) => [s.userId, s._sum.points ?? 0]));
    expect(totals.length).toBeGreaterThan(10);
    for (const t of totals) expect(t.points).toBe(bySum.get(t.userId));
  });

  it("shows a ranked program board, a feed, a published story and a member card to anonymous visitors", async () => {
    const r = await app.gql(`{
      leaderboard(program: "insiders", first: 5) { totalCount edges { node { rank points user { displayName title } } } }
      recognitionFeed(program: "insiders", first: 5) { edges { node { kind message user { displayName } } } }
      stories(first: 5) { edges { node { headline subject { displayName } } } }
      pointsRules { kind points configured }
    }`);
    expect(r.errors).toBeUndefined();
    const ranks = r.data.leaderboard.edges.map((e: any) => e.node.rank);
    expect(ranks[0]).toBe(1);
    expect([...ranks].sort((a: number, b: number) => a - b)).toEqual(ranks);
    expect(r.data.recognitionFeed.edges.length).toBeGreaterThan(0);
    expect(r.data.stories.edges.length).toBeGreaterThan(0);
    expect(r.data.pointsRules.every((p: any) => p.configured)).toBe(true);
    const top = await app.db.pointsTotal.findFirstOrThrow({ where: { scope: "" }, orderBy: { points: "desc" }, include: { user: true } });
    const card = await app.gql(`query ($u: String) { memberCard(userId: $u, program: "insiders") { points badges { slug } user { isAnonymous } } }`, { u: top.user.externalId });
    expect(card.errors).toBeUndefined();
    expect(card.data.memberCard).not.toBeNull();
  });
});
