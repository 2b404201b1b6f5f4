import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { apiKey, post } from "../helpers/security.ts";
import { hasRedisServer, startRedis, type RedisProcess } from "../helpers/redis.ts";

const LIMITS = { RATE_LIMIT_ANONYMOUS: "5", RATE_LIMIT_MEMBER: "3", RATE_LIMIT_API_KEY: "4", RATE_LIMIT_WINDOW_SECONDS: "3600" };

async function hammer(app: TestApp, n: number, headers: Record<string, string> = {}) {
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < n; i++) {
    last = await post(app, { query: "{ health }" }, headers);
    statuses.push(last.status);
  }
  return { statuses, last: last! };
}

describe("rate limits (in memory, one process)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ ...LIMITS, TRUST_PROXY: "1" });
  });
  afterAll(() => app.close());

  it("limits anonymous callers per IP with 429 and Retry-After", async () => {
    const { statuses, last } = await hammer(app, 7, { "x-forwarded-for": "203.0.113.7" });
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const retryAfter = Number(last.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(last.json.errors[0].extensions.code).toBe("RATE_LIMITED");
    expect(last.json.errors[0].message).toMatch(/5 requests per 3600s for this address/);
    // Another address (behind the same trusted proxy) has its own budget.
    expect((await hammer(app, 1, { "x-forwarded-for": "203.0.113.8" })).statuses).toEqual([200]);
  });

  it("gives each member their own budget, whatever address they share", async () => {
    const office = { "x-forwarded-for": "198.51.100.1" };
    const anonymous = await hammer(app, 6, office);
    expect(anonymous.statuses.at(-1)).toBe(429);
    const alice = await hammer(app, 4, { ...office, authorization: `Bearer ${await app.memberToken("alice")}` });
    expect(alice.statuses).toEqual([200, 200, 200, 429]);
    expect(alice.last.json.errors[0].message).toMatch(/for this member/);
    const bob = await hammer(app, 3, { ...office, authorization: `Bearer ${await app.memberToken("bob")}` });
    expect(bob.statuses).toEqual([200, 200, 200]);
  });

  it("limits each API key separately and exempts the admin secret", async () => {
    const keyA = await apiKey(app, ["read"], "a");
    const keyB = await apiKey(app, ["read"], "b");
    expect((await hammer(app, 5, { authorization: `Bearer ${keyA}` })).statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await hammer(app, 1, { authorization: `Bearer ${keyB}` })).statuses).toEqual([200]);
    const admin = await hammer(app, 12, { authorization: `Bearer ${app.config.adminSecret}` });
    expect(admin.statuses.every((s) => s === 200)).toBe(true);
  });

  it("counts a bad token against the caller's address, not as a member", async () => {
    const headers = { "x-forwarded-for": "192.0.2.44", authorization: "Bearer not-a-real-token" };
    const { statuses } = await hammer(app, 6, headers);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY is set", async () => {
    const untrusting = await createTestApp(LIMITS);
    try {
      const first = await hammer(untrusting, 5, { "x-forwarded-for": "10.9.9.1" });
      expect(first.statuses.every((s) => s === 200)).toBe(true);
      // A forged header does not buy a new budget: the socket address is what counts.
      expect((await hammer(untrusting, 1, { "x-forwarded-for": "10.9.9.2" })).statuses).toEqual([429]);
    } finally {
      await untrusting.close();
    }
  });
});

const redisPresent = hasRedisServer();
if (!redisPresent) console.warn("SKIPPED: redis-server is not installed; the shared (Redis) rate-limit tests did not run.");

describe.skipIf(!redisPresent)("rate limits shared through Redis (REDIS_URL)", () => {
  let redis: RedisProcess;
  let replicaA: TestApp;
  let replicaB: TestApp;
  beforeAll(async () => {
    redis = await startRedis();
    replicaA = await createTestApp({ ...LIMITS, REDIS_URL: redis.url });
    replicaB = await createTestApp({ ...LIMITS, REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await redis?.stop();
  });

  it("counts one member's requests across two replicas against one budget", async () => {
    const token = await replicaA.memberToken("roaming");
    const auth = { authorization: `Bearer ${token}` };
    const a = await hammer(replicaA, 2, auth);
    const b = await hammer(replicaB, 2, auth);
    expect([...a.statuses, ...b.statuses]).toEqual([200, 200, 200, 429]);
    expect(Number(b.last.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts anonymous callers per address across replicas", async () => {
    const a = await hammer(replicaA, 3);
    const b = await hammer(replicaB, 3);
    expect([...a.statuses, ...b.statuses]).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe("rate limits when Redis is unreachable", () => {
  it("serves requests (fail open) and says so in the request log", async () => {
    const { freePort } = await import("../helpers/server-process.ts");
    const lines: { internalErrors?: { message: string }[]; status: number }[] = [];
    const app = await createTestApp({ ...LIMITS, REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, { logSink: (l) => lines.push(l) });
    try {
      const started = Date.now();
      const { statuses } = await hammer(app, 2);
      expect(statuses).toEqual([200, 200]);
      expect(Date.now() - started).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 20));
      expect(lines.some((l) => l.internalErrors?.some((e) => /rate limiter unavailable/.test(e.message)))).toBe(true);
    } finally {
      await app.close();
    }
  });
});
