// HTTP throughput of a leaderboard request under concurrent load (autocannon, loopback only,
// bounded in time) vs a bare yoga server answering a constant: the cost of our stack per request.
import { createServer, type Server } from "node:http";
import autocannon from "autocannon";
import { createSchema, createYoga } from "graphql-yoga";
import type { Comparison } from "./harness.ts";
import { fromSamples, median } from "./harness.ts";
import { startServer } from "../api/server.ts";
import { loadConfig } from "../api/config.ts";
import { openDatabase } from "../api/db.ts";
import { seedDemo } from "../api/demo/seed.ts";
import { ADMIN, IDENTITY, migrateUrl, tempSqliteUrl } from "./setup.ts";

const QUERY = `{ leaderboard(period: ALL_TIME, first: 10) { edges { node { rank points user { displayName } } } } }`;

async function load(url: string, seconds: number, connections: number) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: QUERY }),
    connections,
    duration: seconds,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function listen(server: Server) {
  return new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

export async function runHttp(seconds: number, rounds: number): Promise<Comparison[]> {
  const url = tempSqliteUrl("http");
  migrateUrl(url);
  const database = await openDatabase(url);
  await seedDemo(database.db, { users: 200 });
  const env = { DATABASE_URL: url, ADMIN_SECRET: ADMIN, IDENTITY_SECRET: IDENTITY, PORT: "0", RATE_LIMIT_ANONYMOUS: "0" };
  const running = await startServer(loadConfig(env as NodeJS.ProcessEnv), { quiet: true, database, jobs: false });
  // The same server with the board response cache off: every request runs the query.
  const uncached = await startServer(loadConfig({ ...env, LEADERBOARD_CACHE_TTL_MS: "0" } as NodeJS.ProcessEnv), { quiet: true, database, jobs: false });
  const bare = createYoga({
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        type Query { leaderboard(period: String, first: Int): Conn }
        type Conn { edges: [Edge] }
        type Edge { node: Node }
        type Node { rank: Int points: Int user: U }
        type U { displayName: String }
      `,
      resolvers: {
        Query: {
          leaderboard: () => ({
            edges: Array.from({ length: 10 }, (_, i) => ({ node: { rank: i + 1, points: 1000 - i, user: { displayName: `User ${i}` } } })),
          }),
        },
      },
    }),
    logging: false,
  });
  const bareServer = createServer(bare);
  const bareUrl = await listen(bareServer);
  try {
    type Run = Awaited<ReturnType<typeof load>>;
    const cached: Run[] = [];
    const direct: Run[] = [];
    const baseline: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      cached.push(await load(running.url, seconds, 20));
      direct.push(await load(uncached.url, seconds, 20));
      baseline.push(await load(bareUrl, seconds, 20));
    }
    const row = (product: string, runs: Run[]): Comparison =>
      fromSamples(
        {
          benchmark: "HTTP leaderboard top-10, 20 connections",
          size: `${rounds} × ${seconds} s`,
          product,
          baseline: "bare yoga answering a constant",
          note: `our p50 ${median(runs.map((r) => r.p50))} ms, p99 ${median(runs.map((r) => r.p99))} ms, errors ${runs.reduce((n, r) => n + r.errors, 0)}`,
        },
        "req/s",
        runs.map((r) => r.rps),
        baseline.map((r) => r.rps),
      );
    return [row("our server (SQLite, demo data), board cache on (the default)", cached), row("our server, board cache off (LEADERBOARD_CACHE_TTL_MS=0)", direct)];
  } finally {
    await new Promise((r) => bareServer.close(r));
    await running.close();
    await uncached.close();
    await database.close();
  }
}
