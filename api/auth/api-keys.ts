// API keys for integrators: random, shown once, stored as a SHA-256 hash with a visible prefix.
import { createHash, randomBytes } from "node:crypto";

/**
 * admin: everything. read: people, programs, metrics. write: change them. usage:write: ingest usage only.
 * metrics:read: aggregate metrics only (no personal data), safe to embed in an internal dashboard page.
 */
export const API_KEY_SCOPES = ["admin", "read", "write", "usage:write", "metrics:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_PREFIX = "pu_";

export function generateApiKey() {
  const secret = KEY_PREFIX + randomBytes(24).toString("base64url");
  return { secret, prefix: secret.slice(0, 11), hash: hashApiKey(secret) };
}

export function hashApiKey(secret: string) {
  return createHash("sha256").update(secret).digest("hex");
}

export function looksLikeApiKey(bearer: string) {
  return bearer.startsWith(KEY_PREFIX);
}
