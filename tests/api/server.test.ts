// The real server process: start-up migration, demo data only on the embedded default, SIGTERM.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { freshDatabaseUrl, createTestApp } from "../helpers/app.ts";
import { seedDemoIfFresh } from "../../api/demo/seed.ts";

describe("server process", () => {
  it("migrates an empty database, serves, and exits 0 on SIGTERM", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const child = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", ADMIN_SECRET: "a".repeat(20), IDENTITY_SECRET: "b".repeat(20) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
      child.stdout.on("data", (chunk) => {
        output += chunk;
        const m = /on (http:\/\/localhost:\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr.on("data", (chunk) => (output += chunk));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const users = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${"a".repeat(20)}` },
      body: JSON.stringify({ query: "{ users { totalCount } }" }),
    });
    expect((await users.json()).data.users.totalCount).toBe(0); // an explicit DATABASE_URL starts empty
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output).toContain("SIGTERM");
  }, 90_000);

  it("loads the demo workspace once into a fresh default database, and never into one with data", async () => {
    const app = await createTestApp();
    try {
      const first = await seedDemoIfFresh(app.db, { users: 40 });
      expect(first).toEqual({ users: 40 });
      expect(await app.db.user.count()).toBe(40);
      expect(await app.db.program.count()).toBe(1);
      expect(await app.db.tier.count()).toBe(3);
      expect(await app.db.cohort.count({ where: { mode: "OPEN" } })).toBe(1);
      expect(new Set((await app.db.feedback.findMany()).map((f) => f.status)).size).toBeGreaterThan(3);
      expect(await app.db.badgeAward.count()).toBeGreaterThan(0);
      expect(await app.db.setting.findUnique({ where: { key: "demo" } })).not.toBeNull();
      expect(await seedDemoIfFresh(app.db, { users: 40 })).toBeNull();
      expect(await app.db.user.count()).toBe(40);
      const board = await app.gql(`{ leaderboard(program: "insiders", first: 3) { totalCount edges { node { rank points user { displayName } } } } }`);
      expect(board.errors).toBeUndefined();
      expect(board.data.leaderboard.edges.length).toBe(3);
    } finally {
      await app.close();
    }
  });
});
