// GraphQL over HTTP, CORS, health, static files: what any HTTP client sees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ADMIN_SECRET, type TestApp } from "../helpers/app.ts";

describe("HTTP surface", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("answers GET queries with application/graphql-response+json", async () => {
    const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent("{ health }")}`, {
      headers: { accept: "application/graphql-response+json" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/graphql-response+json");
    expect(await res.json()).toEqual({ data: { health: "ok" } });
  });

  it("refuses mutations over GET with 405", async () => {
    const q = encodeURIComponent('mutation { upsertUser(input: { externalId: "g" }) { __typename } }');
    const res = await fetch(`${app.url}/graphql?query=${q}`, {
      headers: { accept: "application/graphql-response+json", authorization: `Bearer ${ADMIN_SECRET}` },
    });
    expect(res.status).toBe(405);
    expect(await app.db.user.count({ where: { externalId: "g" } })).toBe(0);
  });

  it("answers a syntax error with 400 and a GraphQL error", async () => {
    const res = await app.gql("{ health ");
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it("answers an unknown field with 400 naming it", async () => {
    const res = await app.gql("{ nope }");
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/nope/);
  });

  it("refuses a batched (array) body", async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify([{ query: "{ health }" }, { query: "{ health }" }]),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it("sends CORS headers only to allowed origins", async () => {
    const allowed = await fetch(`${app.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "http://allowed.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://allowed.example");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/authorization/i);
    const denied = await fetch(`${app.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const post = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ query: "{ health }" }),
    });
    expect(post.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("reports health with the database kind", async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: process.env.TEST_DB === "postgres" ? "postgres" : "sqlite" });
  });

  it("serves the widget bundle to any origin as JavaScript", async () => {
    const res = await fetch(`${app.url}/widgets/pu-widgets.js`, { headers: { origin: "http://elsewhere.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.text()).toContain("pu-leaderboard");
  });

  it("serves the example pages and GraphiQL", async () => {
    const examples = await fetch(`${app.url}/examples/`);
    expect(examples.status).toBe(200);
    expect(await examples.text()).toContain("<pu-leaderboard");
    const graphiql = await fetch(`${app.url}/graphql`, { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    const html = await graphiql.text();
    expect(html).toContain("GraphiQL");
    expect(html).toContain("query Leaderboard");
  });

  it("prefills the admin secret in GraphiQL only for loopback callers outside production", async () => {
    const html = await (await fetch(`${app.url}/graphql`, { headers: { accept: "text/html" } })).text();
    expect(html).toContain(ADMIN_SECRET);
    const production = await createTestApp({ NODE_ENV: "production" });
    try {
      const prodHtml = await (await fetch(`${production.url}/graphql`, { headers: { accept: "text/html" } })).text();
      expect(prodHtml).not.toContain(ADMIN_SECRET);
      expect(prodHtml).toContain("ADMIN_SECRET");
    } finally {
      await production.close();
    }
  });
});
