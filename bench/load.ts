// A mixed widget workload with autocannon, against loopback only and bounded in time:
// anonymous leaderboard loads (the widget's own persisted operation), signed-in members
// asking for their profile, and health probes. The lead's `npm run bench` calls runLoad().
//   tsx bench/load.ts [--duration 60] [--connections 20]   (starts its own server on SQLite)
import autocannon from "autocannon";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../api/config.ts";
import { openDatabase } from "../api/db.ts";
import { migrate } from "../api/migrate.ts";
import { startServer } from "../api/server.ts";
import { seedDemo } from "../api/demo/seed.ts";
import { signIdentityToken } from "../api/auth/tokens.ts";
import { LEADERBOARD_QUERY } from "../widgets/leaderboard/leaderboard.graphql.ts";

export interface LoadResult {
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Runs the mixed workload against `url` (must be loopback) with member tokens from `memberTokens`. */
export async function runLoad(url: string, options: { durationSeconds?: number; connections?: number; memberTokens: string[] }): Promise<LoadResult> {
  const target = new URL(url);
  if (!LOOPBACK.has(target.hostname)) throw new Error(`load tests only target loopback, not ${target.hostname}`);
  const durationSeconds = Math.min(Math.max(1, options.durationSeconds ?? 60), 300);
  const json = { "content-type": "application/json", accept: "application/graphql-response+json" };
  const requests: autocannon.Request[] = [
    { method: "POST", path: "/graphql", headers: json, body: JSON.stringify({ query: LEADERBOARD_QUERY, variables: { first: 10, period: "ALL_TIME" } }) },
    { method: "POST", path: "/graphql", headers: json, body: JSON.stringify({ query: LEADERBOARD_QUERY, variables: { first: 10, period: "MONTH" } }) },
    ...options.memberTokens.slice(0, 20).map((token) => ({
      method: "POST" as const,
      path: "/graphql",
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: LEADERBOARD_QUERY, variables: { first: 5 } }),
    })),
    { method: "POST", path: "/graphql", headers: json, body: JSON.stringify({ query: "query Health { health }" }) },
  ];
  const result = await autocannon({
    url: `${target.origin}/graphql`,
    connections: options.connections ?? 20,
    duration: durationSeconds,
    timeout: 10,
    requests,
  });
  return {
    durationSeconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

/** A throwaway server on a temp SQLite database with the demo workspace, for the load run. */
export async function loadTestServer() {
  const dir = mkdtempSync(join(tmpdir(), "pu-load-"));
  const databaseUrl = `file:${join(dir, "load.db")}`;
  await migrate(databaseUrl);
  const database = await openDatabase(databaseUrl);
  await seedDemo(database.db);
  const identitySecret = "load-identity-secret-0123456789";
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_SECRET: "load-admin-secret-0123456789",
    IDENTITY_SECRET: identitySecret,
    PORT: "0",
    // The benchmark measures the API, not the rate limiter's refusals.
    RATE_LIMIT_ANONYMOUS: "0",
    RATE_LIMIT_MEMBER: "0",
  } as NodeJS.ProcessEnv);
  const server = await startServer(config, { quiet: true, database, jobs: false });
  const users = await database.db.user.findMany({ take: 20, select: { externalId: true } });
  const memberTokens = await Promise.all(users.map((u) => signIdentityToken({ externalId: u.externalId }, identitySecret, "1h")));
  return {
    url: server.url.replace("localhost", "127.0.0.1"),
    memberTokens,
    close: async () => {
      // autocannon stops on time, not on answers: let the last requests finish first.
      await new Promise((r) => setTimeout(r, 1000));
      await server.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const server = await loadTestServer();
  try {
    const result = await runLoad(server.url, { durationSeconds: arg("duration", 60), connections: arg("connections", 20), memberTokens: server.memberTokens });
    console.log(JSON.stringify({ benchmark: "mixed widget workload", ...result }));
    if (result.errors || result.non2xx || result.timeouts) process.exitCode = 1;
  } finally {
    await server.close();
  }
}
