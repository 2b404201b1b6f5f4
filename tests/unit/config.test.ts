import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_DEV_SECRETS_FILE, loadConfig } from "../../api/config.ts";

describe("configuration", () => {
  it("refuses to start in production without both secrets", () => {
    expect(() => loadConfig({ NODE_ENV: "production", IDENTITY_SECRET: "x".repeat(32) })).toThrow(/ADMIN_SECRET/);
    expect(() => loadConfig({ NODE_ENV: "production", ADMIN_SECRET: "x".repeat(32) })).toThrow(/IDENTITY_SECRET/);
  });

  it("generates secrets in development and says which", () => {
    const config = loadConfig({ DATABASE_URL: "file:/tmp/x.db" });
    expect(config.generatedSecrets).toEqual(["ADMIN_SECRET", "IDENTITY_SECRET"]);
    expect(config.adminSecret).not.toBe(config.identitySecret);
    expect(config.adminSecret.length).toBeGreaterThanOrEqual(24);
    expect(config.devSecretsFile).toBeNull();
    expect(loadConfig({ DATABASE_URL: "file:/tmp/x.db" }).adminSecret).not.toBe(config.adminSecret);
  });

  it("keeps generated development secrets in a private file, so tokens stay valid after a restart", () => {
    const file = join(mkdtempSync(join(tmpdir(), "pu-secrets-")), "nested", "dev-secrets.json");
    const first = loadConfig({ DEV_SECRETS_FILE: file });
    const second = loadConfig({ DEV_SECRETS_FILE: file });
    expect([second.adminSecret, second.identitySecret]).toEqual([first.adminSecret, first.identitySecret]);
    expect(second.devSecretsFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A secret set in the environment wins and is not written; production never reads the file.
    expect(loadConfig({ DEV_SECRETS_FILE: file, ADMIN_SECRET: "a".repeat(20) }).adminSecret).toBe("a".repeat(20));
    expect(() => loadConfig({ DEV_SECRETS_FILE: file, NODE_ENV: "production" })).toThrow(/ADMIN_SECRET/);
    // The embedded default database keeps them in data/ beside it.
    expect(DEFAULT_DEV_SECRETS_FILE).toBe("./data/dev-secrets.json");
  });

  it("defaults to the embedded SQLite database and treats an explicit URL as not the default", () => {
    const secrets = join(mkdtempSync(join(tmpdir(), "pu-secrets-")), "dev-secrets.json");
    expect(loadConfig({ DEV_SECRETS_FILE: secrets })).toMatchObject({ databaseUrl: "file:./data/pu.db", embeddedDefault: true });
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
