import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";

const UPSERT = /* GraphQL */ `
  mutation ($input: UpsertUserInput!) {
    upsertUser(input: $input) {
      __typename
      ... on UpsertUserPayload { user { id externalId displayName email team attributes showOnLeaderboards manager { externalId } } }
      ... on ValidationError { field message issues { field message } }
    }
  }
`;

describe("users", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("creates a user by externalId and updates the same person on a second upsert", async () => {
    const first = await app.gql(UPSERT, { input: { externalId: "ada", displayName: "Ada", email: "ada@example.com", team: "Analytics", attributes: { role: "analyst" } } }, "admin");
    expect(first.errors).toBeUndefined();
    expect(first.data.upsertUser).toMatchObject({ __typename: "UpsertUserPayload", user: { externalId: "ada", displayName: "Ada", team: "Analytics", attributes: { role: "analyst" } } });
    const second = await app.gql(UPSERT, { input: { externalId: "ada", displayName: "Ada Lovelace", managerExternalId: "boss" } }, "admin");
    expect(second.data.upsertUser.user).toMatchObject({ id: first.data.upsertUser.user.id, displayName: "Ada Lovelace", email: "ada@example.com", manager: { externalId: "boss" } });
    expect(await app.db.user.count()).toBe(2);
  });

  it("refuses an invalid email with a ValidationError naming the field, and writes nothing", async () => {
    const before = await app.db.user.count();
    const result = await app.gql(UPSERT, { input: { externalId: "bad", email: "not-an-email" } }, "admin");
    expect(result.data.upsertUser.__typename).toBe("ValidationError");
    expect(result.data.upsertUser.field).toBe("input.email");
    expect(await app.db.user.count()).toBe(before);
  });

  it("refuses overlong strings and an empty externalId", async () => {
    const long = await app.gql(UPSERT, { input: { externalId: "x", displayName: "a".repeat(201) } }, "admin");
    expect(long.data.upsertUser).toMatchObject({ __typename: "ValidationError", field: "input.displayName" });
    const empty = await app.gql(UPSERT, { input: { externalId: " " } }, "admin");
    expect(empty.data.upsertUser).toMatchObject({ __typename: "ValidationError", field: "input.externalId" });
  });

  it("rejects unknown input fields and wrong types before running anything", async () => {
    const unknown = await app.gql(UPSERT, { input: { externalId: "y", nickname: "Y" } }, "admin");
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0]?.message).toMatch(/nickname/);
    const wrongType = await app.gql(UPSERT, { input: { externalId: "y", showOnLeaderboards: "yes" } }, "admin");
    expect(wrongType.status).toBe(400);
    expect(wrongType.errors?.[0]?.message).toMatch(/showOnLeaderboards/);
  });

  it("lists users as a connection with search and clamps first to 100", async () => {
    for (let i = 0; i < 105; i++) await app.db.user.create({ data: { externalId: `bulk-${i}`, displayName: `Bulk ${i}` } });
    const page = await app.gql(`{ users(first: 1000, search: "bulk") { totalCount edges { cursor node { externalId } } pageInfo { hasNextPage endCursor } } }`, {}, "admin");
    expect(page.errors).toBeUndefined();
    expect(page.data.users.totalCount).toBe(105);
    expect(page.data.users.edges).toHaveLength(100);
    expect(page.data.users.pageInfo.hasNextPage).toBe(true);
    const next = await app.gql(`query ($after: String) { users(first: 100, search: "BULK", after: $after) { edges { node { externalId } } } }`, { after: page.data.users.pageInfo.endCursor }, "admin");
    expect(next.data.users.edges).toHaveLength(5);
  });

  it("creates a member on first sight of their token and shows them as `me`", async () => {
    const token = await app.memberToken("new-member", { name: "New Member", email: "new@example.com" });
    const me = await app.gql(`{ me { externalId displayName email } }`, {}, token);
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toEqual({ externalId: "new-member", displayName: "New Member", email: "new@example.com" });
  });

  it("lets a member opt out of leaderboards; others then see an anonymous member", async () => {
    const token = await app.memberToken("shy");
    const opt = await app.gql(`mutation { updateMyProfile(input: { displayName: "Shy Person", showOnLeaderboards: false }) { ... on UpdateMyProfilePayload { user { displayName showOnLeaderboards } } } }`, {}, token);
    expect(opt.data.updateMyProfile.user).toEqual({ displayName: "Shy Person", showOnLeaderboards: false });
    const other = await app.memberToken("someone-else");
    const seen = await app.gql(`{ user(externalId: "shy") { displayName } }`, {}, "admin");
    expect(seen.data.user.displayName).toBe("Shy Person");
    const denied = await app.gql(`{ user(externalId: "shy") { displayName } }`, {}, other);
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
