// Environment, read once. Nothing here talks to the network or the database.
import { randomBytes } from "node:crypto";

export interface Config {
  port: number;
  databaseUrl: string;
  /** True when DATABASE_URL was not given: the embedded SQLite default, seeded with demo data. */
  embeddedDefault: boolean;
  adminSecret: string;
  identitySecret: string;
  allowedOrigins: string[];
  production: boolean;
  /** Secrets generated for this run (development only), printed once at start. */
  generatedSecrets: string[];
  usageRetentionDays: number;
}

export const DEFAULT_DATABASE_URL = "file:./data/pu.db";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === "production";
  const generatedSecrets: string[] = [];
  const secret = (name: "ADMIN_SECRET" | "IDENTITY_SECRET") => {
    const value = env[name];
    if (value) {
      if (value.length < 16) throw new Error(`${name} must be at least 16 characters`);
      return value;
    }
    if (production) throw new Error(`${name} must be set when NODE_ENV=production`);
    generatedSecrets.push(name);
    return randomBytes(24).toString("base64url");
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
    usageRetentionDays: Number(env.USAGE_RETENTION_DAYS ?? 90),
  };
}
