// Environment, read once. Nothing here talks to the network or the database.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Config {
  port: number;
  databaseUrl: string;
  /** True when DATABASE_URL was not given: the embedded SQLite default, seeded with demo data. */
  embeddedDefault: boolean;
  adminSecret: string;
  identitySecret: string;
  allowedOrigins: string[];
  production: boolean;
  /** Secrets generated because the environment has none (development only), printed at start. */
  generatedSecrets: string[];
  /** Where generated secrets are kept so tokens survive restarts (null: generated for this run only). */
  devSecretsFile: string | null;
  usageRetentionDays: number;
  /** LEADERBOARD_CACHE_TTL_MS: how long a cached board answer may be served (0 turns the cache off; api/cache/board-cache.ts). */
  leaderboardCacheTtlMs: number;
  security: SecurityConfig;
}

/** Protections of api/security/; every number is an env variable (docs/security.md). */
export interface SecurityConfig {
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxDirectives: number; maxCost: number };
  /** TRUSTED_DOCUMENTS=1: anonymous and member callers may run only the widgets' operations. */
  trustedDocuments: boolean;
  trustedDocumentsManifest: string;
  /** Requests per window; 0 turns that limit off. */
  rateLimit: { windowSeconds: number; anonymous: number; member: number; apiKey: number };
  redisUrl: string | null;
  /** Hops of reverse proxies in front of the server whose X-Forwarded-For is believed (0: none). */
  trustProxy: number;
  /** One JSON line per request on stdout. */
  requestLog: boolean;
}

export const DEFAULT_DATABASE_URL = "file:./data/pu.db";
export const DEFAULT_DEV_SECRETS_FILE = "./data/dev-secrets.json";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === "production";
  const generatedSecrets: string[] = [];
  // Kept beside the embedded database by default (or where DEV_SECRETS_FILE says), never in production.
  const devSecretsFile = production ? null : env.DEV_SECRETS_FILE || (env.DATABASE_URL ? null : DEFAULT_DEV_SECRETS_FILE);
  const kept = devSecretsFile ? readDevSecrets(devSecretsFile) : {};
  const secret = (name: "ADMIN_SECRET" | "IDENTITY_SECRET") => {
    const value = env[name];
    if (value) {
      if (value.length < 16) throw new Error(`${name} must be at least 16 characters`);
      return value;
    }
    if (production) throw new Error(`${name} must be set when NODE_ENV=production`);
    generatedSecrets.push(name);
    const known = kept[name];
    if (typeof known === "string" && known.length >= 16) return known;
    const fresh = randomBytes(24).toString("base64url");
    kept[name] = fresh;
    if (devSecretsFile) writeDevSecrets(devSecretsFile, kept);
    return fresh;
  };
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new Error("DATABASE_URL must be a file: URL (SQLite) or a postgres:// URL (PostgreSQL)");
  }
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("PORT must be a port number");
  return {
    port,
    databaseUrl,
    embeddedDefault: !env.DATABASE_URL,
    adminSecret: secret("ADMIN_SECRET"),
    identitySecret: secret("IDENTITY_SECRET"),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim().replace(/\/$/, ""))
      .filter(Boolean),
    production,
    generatedSecrets,
    devSecretsFile: generatedSecrets.length > 0 ? devSecretsFile : null,
    usageRetentionDays: Number(env.USAGE_RETENTION_DAYS ?? 90),
    // Writes through this server drop the cache at once; the TTL bounds what it cannot see
    // (other replicas, scripts writing to the database).
    leaderboardCacheTtlMs: count(env, "LEADERBOARD_CACHE_TTL_MS", 5000),
    security: loadSecurityConfig(env, production),
  };
}

function readDevSecrets(path: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {}; // absent or unreadable: generate new ones
  }
}

function writeDevSecrets(path: string, secrets: Record<string, unknown>) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number >= 0`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  return /^(1|true|yes|on)$/i.test(raw);
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv, production: boolean): SecurityConfig {
  return {
    // Defaults leave room for GraphiQL's introspection (not counted) and every widget
    // operation (depth <= 6, no aliases, < 300 tokens) while refusing abusive documents.
    limits: {
      maxDepth: count(env, "GRAPHQL_MAX_DEPTH", 10),
      maxAliases: count(env, "GRAPHQL_MAX_ALIASES", 15),
      maxTokens: count(env, "GRAPHQL_MAX_TOKENS", 2000),
      maxDirectives: count(env, "GRAPHQL_MAX_DIRECTIVES", 20),
      maxCost: count(env, "GRAPHQL_MAX_COST", 50000),
    },
    trustedDocuments: flag(env, "TRUSTED_DOCUMENTS", false),
    trustedDocumentsManifest: env.TRUSTED_DOCUMENTS_MANIFEST || "dist/widgets/persisted-operations.json",
    rateLimit: {
      windowSeconds: Math.max(1, count(env, "RATE_LIMIT_WINDOW_SECONDS", 60)),
      anonymous: count(env, "RATE_LIMIT_ANONYMOUS", 600),
      member: count(env, "RATE_LIMIT_MEMBER", 300),
      apiKey: count(env, "RATE_LIMIT_API_KEY", 3000),
    },
    redisUrl: env.REDIS_URL || null,
    trustProxy: count(env, "TRUST_PROXY", 0),
    requestLog: flag(env, "LOG_REQUESTS", production),
  };
}
