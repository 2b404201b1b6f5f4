// Fixed-window request counters: per API key, per member, and per IP for anonymous callers
// only. A whole office can sit behind one address, so signed-in members are never limited by
// IP (each has their own budget); anonymous traffic has nothing else to tell people apart.
// The admin secret is exempt. One process counts in memory; with REDIS_URL every replica
// counts in the same Redis keys, so the limit holds across the fleet.
import { Redis } from "ioredis";
import type { Caller } from "../context.ts";
import type { SecurityConfig } from "../config.ts";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (the Retry-After value when refused). */
  resetSeconds: number;
  bucket: string;
}

export interface RateStore {
  /** Adds one hit to `key` in the window that ends at `windowEnd` (ms) and returns the count. */
  hit(key: string, windowEnd: number): Promise<number>;
  close(): Promise<void>;
}

export class MemoryRateStore implements RateStore {
  private counts = new Map<string, { count: number; windowEnd: number }>();
  private lastSweep = 0;
  async hit(key: string, windowEnd: number) {
    const now = Date.now();
    if (now - this.lastSweep > 10_000) {
      // Drop finished windows so idle callers do not accumulate.
      for (const [k, v] of this.counts) if (v.windowEnd <= now) this.counts.delete(k);
      this.lastSweep = now;
    }
    const entry = this.counts.get(key);
    if (!entry || entry.windowEnd !== windowEnd) {
      this.counts.set(key, { count: 1, windowEnd });
      return 1;
    }
    return ++entry.count;
  }
  async close() {
    this.counts.clear();
  }
}

// INCR and PEXPIREAT in one round trip, atomically: no key is ever left without expiry.
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end return n`;

export class RedisRateStore implements RateStore {
  readonly redis: Redis;
  constructor(url: string, private prefix = "pu:rl:") {
    // A slow or absent Redis must not stall requests: each check gives up after a short while
    // and the request is served (fail open; see api/security/index.ts).
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500, enableOfflineQueue: true, lazyConnect: false });
    // Errors surface on the command that failed; this only keeps ioredis from printing them twice.
    this.redis.on("error", () => {});
  }
  async hit(key: string, windowEnd: number) {
    const n = await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}${key}:${windowEnd}`, String(windowEnd + 1000));
    return Number(n);
  }
  async close() {
    this.redis.disconnect();
  }
}

export class RateLimiter {
  constructor(
    private config: SecurityConfig["rateLimit"],
    readonly store: RateStore,
  ) {}

  /** The bucket and budget for a caller, or null when the caller is not limited. */
  bucketFor(caller: Caller, ip: string): { bucket: string; limit: number } | null {
    const { anonymous, member, apiKey } = this.config;
    switch (caller.kind) {
      case "admin":
        // The admin secret is exempt; an API key holding `admin` is still a key with a budget.
        return caller.actor === "admin-secret" || !apiKey ? null : { bucket: `key:${caller.actor}`, limit: apiKey };
      case "integrator":
        return apiKey ? { bucket: `key:${caller.keyId}`, limit: apiKey } : null;
      case "member":
        return member ? { bucket: `member:${caller.externalId}`, limit: member } : null;
      default:
        return anonymous ? { bucket: `ip:${ip}`, limit: anonymous } : null;
    }
  }

  async check(caller: Caller, ip: string): Promise<RateDecision | null> {
    const target = this.bucketFor(caller, ip);
    if (!target) return null;
    const windowMs = this.config.windowSeconds * 1000;
    const now = Date.now();
    const windowEnd = Math.floor(now / windowMs) * windowMs + windowMs;
    const count = await this.store.hit(target.bucket, windowEnd);
    return {
      allowed: count <= target.limit,
      limit: target.limit,
      remaining: Math.max(0, target.limit - count),
      resetSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
      bucket: target.bucket,
    };
  }

  close() {
    return this.store.close();
  }
}

export function createRateLimiter(config: SecurityConfig): RateLimiter {
  const store = config.redisUrl ? new RedisRateStore(config.redisUrl) : new MemoryRateStore();
  return new RateLimiter(config.rateLimit, store);
}
