import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { loadConfig } from "../../api/config.ts";

describe("configuration", () => {
  it("refuses to start in production without both secrets", () => {
    expect(() => loadConfig({ NODE_ENV: "production", IDENTITY_SECRET: "x".repeat(32) })).toThrow(/ADMIN_SECRET/);
    expect(() => loadConfig({ NODE_ENV: "production", ADMIN_SECRET: "x".repeat(32) })).toThrow(/IDENTITY_SECRET/);
  });

  it("generates secrets in development and says which", () => {
    const config = loadConfig({});
    expect(config.generatedSecrets).toEqual(["ADMIN_SECRET", "IDENTITY_SECRET"]);
    expect(config.adminSecret).not.toBe(config.identitySecret);
    expect(config.adminSecret.length).toBeGreaterThanOrEqual(24);
  });

  it("defaults to the embedded SQLite database and treats an explicit URL as not the default", () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: "file:./data/pu.db", embeddedDefault: true });
    expect(loadConfig({ DATABASE_URL: "file:/tmp/x.db" }).embeddedDefault).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@localhost/db" }).embeddedDefault).toBe(false);
  });

  it("refuses unknown database URLs, short secrets and bad ports", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ADMIN_SECRET: "short" })).toThrow(/16 characters/);
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT/);
  });

  it("parses ALLOWED_ORIGINS as a list without trailing slashes", () => {
    expect(loadConfig({ ALLOWED_ORIGINS: "https://a.example/, https://b.example" }).allowedOrigins).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });
});

describe("Prisma schemas", () => {
  it("keeps both provider schemas generated from the one model source", () => {
    expect(() => execFileSync("npx", ["tsx", "prisma/build-schemas.ts", "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
