import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";

const ME = `{ memberCard { user { externalId } } }`;

describe("the examples' host backend on the API", () => {
  let app: TestApp;
  let production: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    production = await createTestApp({ NODE_ENV: "production" });
  });
  afterAll(async () => {
    await app.close();
    await production.close();
  });

  it("signs a short-lived member token the API accepts, for a demo user only", async () => {
    const session = await fetch(`${app.url}/examples/host/session?user=demo-user-007`).then((r) => r.json());
    expect(session).toMatchObject({ user: "demo-user-007", expiresIn: 900 });
    const me = await app.gql(ME, {}, session.token);
    expect(me.data.memberCard.user.externalId).toBe("demo-user-007");
    expect(me.errors).toBeUndefined();
    const refused = await fetch(`${app.url}/examples/host/session?user=admin`);
    expect(refused.status).toBe(400);
  });

  it("hands the dashboard a metrics:read key that reads aggregates and nothing personal", async () => {
    const { key } = await fetch(`${app.url}/examples/host/dashboard-key`).then((r) => r.json());
    const curve = await app.gql(`{ powerUserCurve(asOf: "2026-11-27", windowDays: 7) { __typename } }`, {}, key);
    expect(curve.data.powerUserCurve.__typename).toBe("PowerUserCurve");
    const people = await app.gql(`{ users(first: 1) { edges { node { email } } } }`, {}, key);
    expect(people.errors?.length).toBeGreaterThan(0);
    // The same key on a second call: created once per process.
    expect((await fetch(`${app.url}/examples/host/dashboard-key`).then((r) => r.json())).key).toBe(key);
  });

  it("is not served in production", async () => {
    expect((await fetch(`${production.url}/examples/host/session`)).status).toBe(404);
    expect((await fetch(`${production.url}/examples/host/dashboard-key`)).status).toBe(404);
  });
});
