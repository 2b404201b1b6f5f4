import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { seedDemo } from "../../api/demo/seed.ts";
import { createApiKey } from "../../api/domain/api-keys.ts";
import { runIntegrator } from "../../examples/integrator.ts";

describe("examples/integrator.ts", () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await createTestApp();
    await seedDemo(app.db, { users: 60 });
    key = (await createApiKey(app.db, { kind: "admin", actor: "test" }, "test", "integrator", ["usage:write", "read"])).secret;
  });
  afterAll(() => app.close());

  it("pushes usage once (a second run counts only duplicates) and reads the program's candidates", async () => {
    const lines: string[] = [];
    const first = await runIntegrator({ url: app.url, key, log: (l) => lines.push(l) });
    expect(first.ingest).toMatchObject({ accepted: 10, duplicates: 0 });
    expect(await app.db.user.count({ where: { externalId: { startsWith: "integrator-" } } })).toBe(3);
    expect(first.candidates.totalCount).toBeGreaterThanOrEqual(first.candidates.edges.length);
    expect(lines[1]).toMatch(/^Insiders: \d+ candidates/);
    const second = await runIntegrator({ url: app.url, key, log: () => {} });
    expect(second.ingest).toMatchObject({ accepted: 0, duplicates: 10 });
  });

  it("stops with the API's refusal when the key lacks the usage:write scope", async () => {
    const readOnly = (await createApiKey(app.db, { kind: "admin", actor: "test" }, "test", "reader", ["read"])).secret;
    await expect(runIntegrator({ url: app.url, key: readOnly, log: () => {} })).rejects.toThrow();
  });
});
