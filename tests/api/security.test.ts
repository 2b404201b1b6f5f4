import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { createTestApp, IDENTITY_SECRET, type TestApp } from "../helpers/app.ts";
import { apiKey, post, unsignedToken } from "../helpers/security.ts";
import type { RequestLogLine } from "../../api/security/logging.ts";
import { LEADERBOARD_QUERY } from "../../widgets/leaderboard/leaderboard.graphql.ts";
import { sha256 } from "../../api/security/trusted-documents.ts";

const nested = (depth: number) => {
  let selection = "externalId";
  for (let i = 0; i < depth; i++) selection = `manager { ${selection} }`;
  return `{ user(externalId: "a") { ${selection} } }`;
};

describe("query limits and hostile documents", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("refuses a query deeper than the depth limit and names the limit", async () => {
    const ok = await app.gql(nested(6), {}, "admin");
    expect(ok.errors).toBeUndefined();
    const deep = await app.gql(nested(10), {}, "admin");
    expect(deep.status).toBe(400);
    expect(deep.errors?.map((e) => e.message).join(" ")).toMatch(/depth limit of 10 exceeded/i);
    expect(deep.errors?.[0]?.extensions?.code).toMatch(/^MAX_/);
    expect(deep.data).toBeUndefined();
  });

  it("refuses an alias flood", async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: health`).join(" ");
    const result = await app.gql(`{ ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/Aliases limit of 15 exceeded/);
  });

  it("refuses a huge document by its token count before parsing it all", async () => {
    const result = await app.gql(`{ ${"health ".repeat(20_000)} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/Token limit of 2000 exceeded/);
  });

  it("refuses a directive flood", async () => {
    const result = await app.gql(`{ health ${"@skip(if: false) ".repeat(50)} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/Directives limit of 20 exceeded/);
  });

  it("refuses NUL characters and lone UTF-16 surrogates with 400 and writes nothing", async () => {
    const result = await app.gql(`mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`, { input: { externalId: "s", displayName: "bad \ud800" } }, "admin");
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const nul = await app.gql(`mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`, { input: { externalId: "s", attributes: { k: "a\u0000b" } } }, "admin");
    expect(nul.status).toBe(400);
    expect(await app.db.user.count({ where: { externalId: "s" } })).toBe(0);
  });

  it("refuses a JSON array (batched operations) clearly", async () => {
    const result = await post(app, [{ query: "{ health }" }, { query: "{ health }" }]);
    expect(result.status).toBe(400);
    expect(result.text).toMatch(/batch|array|Expected/i);
    expect(result.text).not.toContain('"health":"ok"');
  });

  it("refuses forged, expired, unsigned and malformed credentials with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const wrongSecret = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("mallory").setExpirationTime(now + 600).sign(new TextEncoder().encode("some-other-secret-0123456789"));
    const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("mallory").setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(new TextEncoder().encode(IDENTITY_SECRET));
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("mallory").sign(new TextEncoder().encode(IDENTITY_SECRET));
    const hs512 = await new SignJWT({}).setProtectedHeader({ alg: "HS512" }).setSubject("mallory").setExpirationTime(now + 600).sign(new TextEncoder().encode(IDENTITY_SECRET));
    const valid = await app.memberToken("mallory");
    const [h, p] = valid.split(".");
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: "admin", exp: now + 600 })).toString("base64url")}.${valid.split(".")[2]}`;
    const cases: Record<string, string> = {
      wrongSecret,
      expired,
      noExp,
      hs512,
      algNone: unsignedToken("mallory"),
      tampered,
      garbage: "not-a-token",
      unknownKey: "pu_doesnotexist000000000000000000",
      strippedSignature: `${h}.${p}.`,
    };
    for (const [name, token] of Object.entries(cases)) {
      const result = await app.gql(`{ me { externalId } }`, {}, token);
      expect(result.status, name).toBe(401);
      expect(result.errors?.[0]?.extensions?.code, name).toBe("UNAUTHENTICATED");
      expect(result.data?.me, name).toBeFalsy();
    }
    const basic = await post(app, { query: "{ health }" }, { authorization: "Basic YWRtaW46YWRtaW4=" });
    expect(basic.status).toBe(401);
    expect(await app.db.user.count({ where: { externalId: { in: ["mallory", "admin"] } } })).toBe(0);
  });

  it("refuses a revoked API key", async () => {
    const secret = await apiKey(app, ["read"]);
    expect((await app.gql(`{ users(first: 1) { totalCount } }`, {}, secret)).errors).toBeUndefined();
    const key = await app.db.apiKey.findFirstOrThrow({ where: { name: "key-read" } });
    await app.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const after = await app.gql(`{ users(first: 1) { totalCount } }`, {}, secret);
    expect(after.status).toBe(401);
  });
});

describe("cost limit", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ GRAPHQL_MAX_COST: "40" });
  });
  afterAll(() => app.close());

  it("refuses a wide query over the configured cost and says which limit", async () => {
    const small = await app.gql(`{ health }`);
    expect(small.errors).toBeUndefined();
    const wide = await app.gql(`{ users(first: 100) { edges { node { externalId displayName email team attributes firstSeenAt lastActiveAt manager { externalId displayName email team } } } } }`, {}, "admin");
    expect(wide.status).toBe(400);
    expect(wide.errors?.[0]?.message).toMatch(/Query Cost limit of 40 exceeded/);
  });
});

describe("production: error masking, structured logs, introspection", () => {
  let app: TestApp;
  const lines: RequestLogLine[] = [];
  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: "production" }, { logSink: (line) => lines.push(line) });
  });
  afterAll(() => app.close());

  it("writes one JSON log line per request with id, caller kind, operation, duration, status, errors", async () => {
    lines.length = 0;
    const token = await app.memberToken("logged");
    const response = await post(app, { query: "query WhoAmI { me { externalId } }" }, { authorization: `Bearer ${token}`, "x-request-id": "req-123" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-123");
    await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "request", requestId: "req-123", callerKind: "member", operationName: "WhoAmI", status: 200, errorCount: 0, level: "info" });
    expect(typeof lines[0]!.durationMs).toBe("number");
    expect(JSON.parse(JSON.stringify(lines[0]))).toEqual(lines[0]);
  });

  it("masks unexpected errors as a generic message with the request id; the log has the details", async () => {
    lines.length = 0;
    // Break the database under the running server: the next read fails unexpectedly.
    await app.db.$executeRawUnsafe(`ALTER TABLE "Setting" RENAME TO "SettingGone"`);
    try {
      const response = await post(app, { query: "query Board { leaderboard(first: 1) { totalCount } }" }, { "x-request-id": "req-boom" });
      const error = response.json.errors[0];
      expect(error.message).toMatch(/Unexpected error.*req-boom/);
      expect(error.extensions).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: "req-boom" });
      expect(response.text).not.toMatch(/Setting|stack|prisma|at .*\.ts/i);
      await new Promise((r) => setTimeout(r, 20));
      const line = lines.find((l) => l.requestId === "req-boom")!;
      expect(line.level).toBe("error");
      expect(line.errorCount).toBe(1);
      expect(JSON.stringify(line.internalErrors)).toMatch(/Setting/);
    } finally {
      await app.db.$executeRawUnsafe(`ALTER TABLE "SettingGone" RENAME TO "Setting"`);
    }
  });

  it("allows introspection only to admins and API keys", async () => {
    const introspect = `{ __schema { queryType { name } } }`;
    const anonymous = await app.gql(introspect);
    expect(anonymous.errors?.[0]?.message).toMatch(/introspection/i);
    const member = await app.gql(introspect, {}, await app.memberToken("curious"));
    expect(member.errors?.[0]?.message).toMatch(/introspection/i);
    const typeProbe = await app.gql(`{ __type(name: "User") { fields { name } } }`);
    expect(typeProbe.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await app.gql(introspect, {}, "admin")).data.__schema.queryType.name).toBe("Query");
    expect((await app.gql(introspect, {}, await apiKey(app, ["metrics:read"]))).data.__schema.queryType.name).toBe("Query");
    expect((await app.gql(`{ __typename health }`)).data).toEqual({ __typename: "Query", health: "ok" });
  });

  it("does not suggest field names to strangers", async () => {
    const result = await app.gql(`{ healt }`);
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe("trusted documents (TRUSTED_DOCUMENTS=1)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ TRUSTED_DOCUMENTS: "1" });
  });
  afterAll(() => app.close());

  it("lets anonymous callers and members run a widget operation by exact text, by hash, or reformatted", async () => {
    const exact = await app.gql(LEADERBOARD_QUERY, { first: 5 });
    expect(exact.errors).toBeUndefined();
    expect(exact.data.leaderboard.totalCount).toBe(0);
    const byHash = await post(app, { variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LEADERBOARD_QUERY) } } });
    expect(byHash.status).toBe(200);
    expect(byHash.json.data.leaderboard.totalCount).toBe(0);
    const collapsed = LEADERBOARD_QUERY.replace(/\s+/g, " ").trim();
    const member = await app.gql(collapsed, { first: 5 }, await app.memberToken("widget-user"));
    expect(member.errors).toBeUndefined();
  });

  it("refuses any other document from anonymous callers and members, with 403", async () => {
    const anonymous = await app.gql(`{ health }`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_ONLY");
    const member = await app.gql(`{ me { externalId } }`, {}, await app.memberToken("m1"));
    expect(member.status).toBe(403);
    const unknownHash = await post(app, { extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
    expect(unknownHash.status).toBe(403);
    expect(unknownHash.json.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const mismatch = await post(app, { query: "{ health }", extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LEADERBOARD_QUERY) } } });
    expect(mismatch.status).toBe(403);
    expect(await app.db.user.count({ where: { externalId: "m1" } })).toBe(0);
  });

  it("lets admins and API keys run anything", async () => {
    expect((await app.gql(`{ health }`, {}, "admin")).data.health).toBe("ok");
    const key = await apiKey(app, ["read"]);
    expect((await app.gql(`{ users(first: 1) { totalCount } }`, {}, key)).errors).toBeUndefined();
  });
});
