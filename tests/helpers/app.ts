// A fresh, migrated database and the whole API for one test file, over real HTTP or yoga.fetch.
// The database (SQLite or PostgreSQL) comes from the vitest project running the file.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../api/config.ts";
import { openDatabase, type Database } from "../../api/db.ts";
import { startServer, type RunningServer } from "../../api/server.ts";
import { signIdentityToken } from "../../api/auth/tokens.ts";
import { createDatabase } from "./postgres.ts";

export const ADMIN_SECRET = "test-admin-secret-0123456789";
export const IDENTITY_SECRET = "test-identity-secret-0123456789";

export interface GqlResult<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  database: Database;
  db: Database["db"];
  server: RunningServer;
  url: string;
  config: Config;
  /** POST a GraphQL operation over HTTP. `auth`: "admin", a raw bearer, or undefined (anonymous). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, auth?: string): Promise<GqlResult<T>>;
  /** A member identity token for this externalId, as a host backend would sign it. */
  memberToken(externalId: string, claims?: { name?: string; email?: string }, expiresIn?: string | number): Promise<string>;
  close(): Promise<void>;
}

export async function freshDatabaseUrl(): Promise<string> {
  const target = inject("database");
  if (target.kind === "sqlite") {
    const path = join(mkdtempSync(join(tmpdir(), "pu-file-")), "test.db");
    copyFileSync(target.templatePath, path);
    return `file:${path}`;
  }
  const name = `pu_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  return createDatabase(
    { adminUrl: target.adminUrl, urlFor: (db) => withDb(target.adminUrl, db), stop: async () => {} },
    name,
    target.template,
  );
}

function withDb(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function createTestApp(
  env: Record<string, string> = {},
  options: { logSink?: import("../../api/security/logging.ts").LogSink } = {},
): Promise<TestApp> {
  const databaseUrl = await freshDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_SECRET,
    IDENTITY_SECRET,
    PORT: "0",
    ALLOWED_ORIGINS: "http://allowed.example",
    ...env,
  } as NodeJS.ProcessEnv);
  const database = await openDatabase(databaseUrl);
  const server = await startServer(config, { quiet: true, database, jobs: false, logSink: options.logSink });
  const gql = async (query: string, variables?: Record<string, unknown>, auth?: string) => {
    const bearer = auth === "admin" ? ADMIN_SECRET : auth;
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: any[] };
    return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
  };
  return {
    database,
    db: database.db,
    server,
    url: server.url,
    config,
    gql,
    memberToken: (externalId, claims = {}, expiresIn = "10m") =>
      signIdentityToken({ externalId, ...claims }, IDENTITY_SECRET, expiresIn),
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}
