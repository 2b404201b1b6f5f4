// Benchmark databases and the API in-process. Data is generated with better-sqlite3 (or one
// multi-row INSERT per chunk on PostgreSQL) from a seeded PRNG, so every run measures the same rows.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { loadConfig } from "../api/config.ts";
import { openDatabase, type Database } from "../api/db.ts";
import { createApp, type App } from "../api/yoga.ts";
import { createAppPubSub } from "../api/pubsub.ts";
import { signIdentityToken } from "../api/auth/tokens.ts";

export const ADMIN = "bench-admin-secret-0123456789";
export const IDENTITY = "bench-identity-secret-0123456789";

type Gql = <T = any>(query: string, variables?: Record<string, unknown>, bearer?: string) => Promise<T>;

export interface BenchDb {
  url: string;
  database: Database;
  app: App;
  /** Another app on the same database, its settings changed by `env` (e.g. the board cache off). */
  otherApp(env: Record<string, string>): { app: App; gql: Gql };
  /** Raw better-sqlite3 handle on the same file (SQLite only), for baselines. */
  raw?: BetterSqlite3.Database;
  gql: Gql;
  memberToken(externalId: string): Promise<string>;
  close(): Promise<void>;
}

export function migrateUrl(url: string) {
  execFileSync(join(process.cwd(), "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}

// Benchmark databases reach hundreds of MB each: every folder made here goes when the process exits.
const tempDirs: string[] = [];
process.once("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempSqliteUrl(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `pu-bench-${name}-`));
  tempDirs.push(dir);
  return `file:${join(dir, "bench.db")}`;
}

export async function openBench(url: string, { migrate = true } = {}): Promise<BenchDb> {
  if (migrate) migrateUrl(url);
  const configWith = (extra: Record<string, string>) =>
    loadConfig({ DATABASE_URL: url, ADMIN_SECRET: ADMIN, IDENTITY_SECRET: IDENTITY, ...extra } as NodeJS.ProcessEnv);
  const database = await openDatabase(url);
  const pubsub = createAppPubSub();
  const app = createApp({ db: database.db, dialect: database.dialect, config: configWith({}), pubsub });
  const others: App[] = [];
  const raw = database.dialect === "sqlite" ? new BetterSqlite3(url.replace(/^file:/, "")) : undefined;
  raw?.pragma("journal_mode = WAL");
  raw?.pragma("synchronous = NORMAL");
  return {
    url,
    database,
    app,
    raw,
    otherApp(extra) {
      const other = createApp({ db: database.db, dialect: database.dialect, config: configWith(extra), pubsub });
      others.push(other);
      return { app: other, gql: gqlThrough(other) };
    },
    gql: gqlThrough(app),
    memberToken: (externalId) => signIdentityToken({ externalId }, IDENTITY, "1h"),
    async close() {
      raw?.close();
      for (const other of others) await other.dispose();
      await app.dispose();
      await database.close();
    },
  };
}

/** A GraphQL POST through `app.fetch` (no port), as the admin unless `bearer` says otherwise. */
export function gqlThrough(app: { fetch: App["fetch"] }): Gql {
  return async (query, variables, bearer = ADMIN) => {
    const res = await app.fetch("http://bench/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors[0]!.message}`);
    return body.data;
  };
}

export { rng as prng } from "../api/demo/seed.ts";
