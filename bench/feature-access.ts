// Feature-access check cost: in-process (warm cache), and over HTTP with a `read` API key,
// single and batch, on a fresh SQLite database with 20k users, 5k of them accepted.
// Run: npx tsx bench/feature-access.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../api/config.ts";
import { migrate } from "../api/migrate.ts";
import { openDatabase } from "../api/db.ts";
import { startServer } from "../api/server.ts";
import { hasFeatureAccess, invalidateFeatureAccess } from "../api/domain/cohorts/access.ts";
import { createApiKey } from "../api/domain/api-keys.ts";

const USERS = 20_000;
const ACCEPTED = 5_000;
const url = `file:${join(mkdtempSync(join(tmpdir(), "pu-bench-")), "bench.db")}`;
await migrate(url);
const database = await openDatabase(url);
const { db } = database;
const cohort = await db.cohort.create({ data: { name: "Bench", featureKey: "bench", capacity: ACCEPTED, acceptedCount: ACCEPTED } });
for (let i = 0; i < USERS; i += 1000) {
  await db.user.createMany({ data: Array.from({ length: 1000 }, (_, j) => ({ id: `u${i + j}`, externalId: `user-${i + j}` })) });
}
for (let i = 0; i < ACCEPTED; i += 1000) {
  await db.enrollment.createMany({ data: Array.from({ length: 1000 }, (_, j) => ({ cohortId: cohort.id, userId: `u${i + j}`, status: "ACCEPTED" as const })) });
}

const t0 = performance.now();
await hasFeatureAccess(db, "bench", "user-1");
const coldMs = performance.now() - t0;

const N = 1_000_000;
let hits = 0;
const t1 = performance.now();
for (let i = 0; i < N; i++) if (await hasFeatureAccess(db, "bench", `user-${i % USERS}`)) hits++;
const warmUs = ((performance.now() - t1) * 1000) / N;
invalidateFeatureAccess(db, "bench");

const config = loadConfig({ DATABASE_URL: url, ADMIN_SECRET: "bench-admin-secret-0123456789", IDENTITY_SECRET: "bench-identity-secret-0123456789", PORT: "0" } as NodeJS.ProcessEnv);
const server = await startServer(config, { quiet: true, database, jobs: false });
const { secret } = await createApiKey(db, { kind: "admin", actor: "bench" }, "bench", "bench", ["read"]);
const post = async (query: string, retry = true): Promise<{ data: any }> => {
  // A keep-alive socket the server just closed resets once in a while: retry that request once.
  const r = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${secret}` }, body: JSON.stringify({ query }) }).catch((e) => {
    if (retry) return null;
    throw e;
  });
  if (!r) return post(query, false);
  return r.json() as Promise<{ data: any }>;
};
const HTTP_N = 2000;
await post(`{ featureAccess(featureKey: "bench", userId: "user-1") }`);
const t2 = performance.now();
for (let i = 0; i < HTTP_N; i++) await post(`{ featureAccess(featureKey: "bench", userId: "user-${i}") }`);
const httpMs = (performance.now() - t2) / HTTP_N;
// Baseline: the cheapest authenticated query over the same stack, so the check's own share shows.
const t4 = performance.now();
for (let i = 0; i < HTTP_N; i++) await post(`{ health }`);
const healthMs = (performance.now() - t4) / HTTP_N;
// Server time without the socket: yoga.fetch in process.
const yogaPost = async (query: string) =>
  (await server.app.fetch(new Request("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${secret}` }, body: JSON.stringify({ query }) }))).json();
for (let i = 0; i < 200; i++) await yogaPost(`{ featureAccess(featureKey: "bench", userId: "user-${i}") }`);
const t5 = performance.now();
for (let i = 0; i < HTTP_N; i++) await yogaPost(`{ featureAccess(featureKey: "bench", userId: "user-${i}") }`);
const yogaMs = (performance.now() - t5) / HTTP_N;
const ids = Array.from({ length: 1000 }, (_, i) => `"user-${i * 7}"`).join(",");
const t3 = performance.now();
for (let i = 0; i < 50; i++) await post(`{ featureAccessBatch(featureKey: "bench", userIds: [${ids}]) { hasAccess } }`);
const batchMs = (performance.now() - t3) / 50;

console.log(JSON.stringify({ users: USERS, accepted: ACCEPTED, coldLoadMs: +coldMs.toFixed(1), warmInProcessUsPerCheck: +warmUs.toFixed(3), hitRate: hits / N, httpMsPerCheck: +httpMs.toFixed(3), httpMsHealthBaseline: +healthMs.toFixed(3), serverMsPerCheckYogaFetch: +yogaMs.toFixed(3), httpBatch1000Ms: +batchMs.toFixed(2) }, null, 2));
await server.close();
await database.close();
