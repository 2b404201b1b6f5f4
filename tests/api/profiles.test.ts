// Profile fields on User (badges, recent contributions) and the no-N+1 guarantee for a nested
// widget query: the number of SQL statements does not grow with the page size.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countStatements } from "../helpers/statements.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { seedDemo } from "../../api/demo/seed.ts";

const nested = (first: number) => `{ program(slug: "insiders") { members(first: ${first}) { edges { node {
  tier { name } user { displayName title badges { badge { name } } recentContributions(first: 3) { title points } } } } } } }`;

describe("profiles", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await seedDemo(app.db, { users: 120 });
  });
  afterAll(() => app.close());

  it("lists current badges and the latest approved contributions, newest first", async () => {
    const award = await app.db.badgeAward.findFirstOrThrow({ where: { revokedAt: null }, include: { user: true } });
    const r = await app.gql(`query ($id: String!) { user(externalId: $id) { badges { badge { slug } awardedAt } recentContributions(first: 2) { occurredAt } } }`, { id: award.user.externalId }, "admin");
    expect(r.errors).toBeUndefined();
    expect(r.data.user.badges.length).toBeGreaterThan(0);
    const dates = r.data.user.recentContributions.map((c: { occurredAt: string }) => c.occurredAt);
    expect(dates.length).toBeLessThanOrEqual(2);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it("hides an opted-out person's badges from others but not from admins", async () => {
    const award = await app.db.badgeAward.findFirstOrThrow({ where: { revokedAt: null } });
    const user = await app.db.user.update({ where: { id: award.userId }, data: { showOnLeaderboards: false } });
    const q = `{ leaderboard(first: 100) { edges { node { user { externalId badges { badge { name } } } } } } }`;
    const anonymous = await app.gql(q);
    expect(anonymous.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED")).toBe(true);
    const admin = await app.gql(`query ($id: String!) { user(externalId: $id) { badges { badge { name } } } }`, { id: user.externalId }, "admin");
    expect(admin.data.user.badges.length).toBeGreaterThan(0);
    await app.db.user.update({ where: { id: user.id }, data: { showOnLeaderboards: true } });
  });

  it.skipIf(process.env.TEST_DB === "postgres")("runs the nested members query in the same number of statements at every page size (SQLite driver count)", async () => {
    const statements = countStatements();
    try {
      const counts: number[] = [];
      for (const first of [2, 10, 25]) {
        statements.reset();
        const r = await app.gql(nested(first), {}, "admin");
        expect(r.errors).toBeUndefined();
        expect(r.data.program.members.edges.length).toBe(first);
        counts.push(statements.read());
      }
      expect(counts[0]).toBeGreaterThan(0);
      expect(new Set(counts).size).toBe(1);
    } finally {
      statements.restore();
    }
  });
});
