// Callers: admin secret, API keys with scopes, member identity tokens, anonymous.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { createTestApp, IDENTITY_SECRET, type TestApp } from "../helpers/app.ts";

const CREATE_KEY = /* GraphQL */ `
  mutation ($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret apiKey { id prefix scopes lastUsedAt revokedAt } }
      ... on ValidationError { field }
    }
  }
`;

describe("authentication and scopes", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  async function key(scopes: string[]) {
    const r = await app.gql(CREATE_KEY, { input: { name: scopes.join("+"), scopes } }, "admin");
    expect(r.errors).toBeUndefined();
    return r.data.createApiKey as { secret: string; apiKey: { id: string; prefix: string } };
  }

  it("stores API keys hashed, shows the secret once, and records last use", async () => {
    const { secret, apiKey } = await key(["READ"]);
    expect(secret).toMatch(/^pu_/);
    const row = await app.db.apiKey.findUniqueOrThrow({ where: { prefix: apiKey.prefix } });
    expect(row.hash).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret);
    const used = await app.gql(`{ users(first: 1) { totalCount } }`, {}, secret);
    expect(used.errors).toBeUndefined();
    expect((await app.db.apiKey.findUniqueOrThrow({ where: { prefix: apiKey.prefix } })).lastUsedAt).not.toBeNull();
    const listed = await app.gql(`{ apiKeys { edges { node { prefix scopes } } } }`, {}, "admin");
    expect(listed.data.apiKeys.edges.map((e: any) => e.node.prefix)).toContain(apiKey.prefix);
  });

  it("lets a read key read people but not write them; a write key writes", async () => {
    const reader = await key(["READ"]);
    const writer = await key(["WRITE"]);
    const upsert = `mutation { upsertUser(input: { externalId: "k1" }) { __typename } }`;
    const denied = await app.gql(upsert, {}, reader.secret);
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await app.db.user.count({ where: { externalId: "k1" } })).toBe(0);
    const allowed = await app.gql(upsert, {}, writer.secret);
    expect(allowed.data.upsertUser.__typename).toBe("UpsertUserPayload");
    const writerReads = await app.gql(`{ users(first: 1) { totalCount } }`, {}, writer.secret);
    expect(writerReads.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("refuses a revoked key with 401", async () => {
    const k = await key(["READ"]);
    const revoke = await app.gql(`mutation ($id: ID!) { revokeApiKey(input: { id: $id, reason: "leaked" }) { ... on RevokeApiKeyPayload { apiKey { revokedAt } } } }`, { id: k.apiKey.id }, "admin");
    expect(revoke.data.revokeApiKey.apiKey.revokedAt).toBeTruthy();
    const after = await app.gql(`{ health }`, {}, k.secret);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const audit = await app.db.auditLog.findMany({ where: { action: "apiKey.revoke" } });
    expect(audit[0]?.reason).toBe("leaked");
  });

  it("treats an admin-scoped key as an admin", async () => {
    const k = await key(["ADMIN"]);
    const r = await app.gql(`{ apiKeys { edges { node { id } } } }`, {}, k.secret);
    expect(r.errors).toBeUndefined();
  });

  it("only admins manage keys", async () => {
    const writer = await key(["WRITE"]);
    const member = await app.memberToken("m1");
    for (const auth of [undefined, member, writer.secret]) {
      const r = await app.gql(CREATE_KEY, { input: { name: "x", scopes: ["ADMIN"] } }, auth);
      expect(r.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    }
  });

  it("refuses expired, forged, alg:none and wrong-secret tokens with 401", async () => {
    const expired = await app.memberToken("late", {}, Math.floor(Date.now() / 1000) - 3600);
    const wrongSecret = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("x").setExpirationTime("5m").sign(new TextEncoder().encode("some-other-secret-value"));
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const body = Buffer.from(JSON.stringify({ sub: "admin", exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
    const algNone = `${header}.${body}.`;
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("x").sign(new TextEncoder().encode(IDENTITY_SECRET));
    for (const token of [expired, wrongSecret, algNone, noExp, "garbage"]) {
      const r = await app.gql(`{ me { externalId } }`, {}, token);
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    const malformedHeader = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Basic abc" },
      body: JSON.stringify({ query: "{ health }" }),
    });
    expect(malformedHeader.status).toBe(401);
  });

  it("lets a member read only themselves", async () => {
    await app.gql(`mutation { upsertUser(input: { externalId: "other", email: "o@example.com" }) { __typename } }`, {}, "admin");
    const token = await app.memberToken("self-reader", { email: "me@example.com" });
    const mine = await app.gql(`{ user(externalId: "self-reader") { email } }`, {}, token);
    expect(mine.data?.user?.email).toBe("me@example.com");
    const theirs = await app.gql(`{ user(externalId: "other") { email } }`, {}, token);
    expect(theirs.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const list = await app.gql(`{ users { totalCount } }`, {}, token);
    expect(list.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lets anonymous callers read only public data", async () => {
    expect((await app.gql(`{ health }`)).data.health).toBe("ok");
    const me = await app.gql(`{ me { externalId } }`);
    expect(me.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const write = await app.gql(`mutation { upsertUser(input: { externalId: "anon" }) { __typename } }`);
    expect(write.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("audits admin writes with before and after", async () => {
    await app.gql(`mutation { upsertUser(input: { externalId: "audited", displayName: "One" }) { __typename } }`, {}, "admin");
    await app.gql(`mutation { upsertUser(input: { externalId: "audited", displayName: "Two" }) { __typename } }`, {}, "admin");
    const rows = await app.db.auditLog.findMany({ where: { targetId: "audited" }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["user.create", "user.update"]);
    expect((rows[1]!.before as any).displayName).toBe("One");
    expect((rows[1]!.after as any).displayName).toBe("Two");
    expect(rows[1]!.actorKind).toBe("admin");
  });
});
