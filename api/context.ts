// Who is calling, resolved once per request from `Authorization: Bearer ...`:
// the admin secret, an API key (pu_...), a member identity token (JWT), or nobody.
import { timingSafeEqual, createHash, randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { Db, Dialect } from "./db.ts";
import type { Config } from "./config.ts";
import type { User } from "./gen/sqlite/client.ts";
import { verifyIdentityToken, TokenError } from "./auth/tokens.ts";
import { hashApiKey, looksLikeApiKey } from "./auth/api-keys.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { userByExternalIdRaw } from "./domain/user-rows.ts";
import type { AppPubSub } from "./pubsub.ts";

export type Caller =
  | { kind: "admin"; actor: string }
  | { kind: "integrator"; actor: string; keyId: string; scopes: ReadonlySet<string> }
  | { kind: "member"; actor: string; externalId: string; name?: string; email?: string }
  | { kind: "anonymous"; actor: null };

export interface Services {
  db: Db;
  dialect: Dialect;
  config: Config;
  pubsub: AppPubSub;
}

export interface Context extends Services {
  caller: Caller;
  requestId: string;
  loaders: Loaders;
  /** The signed-in member's user row (created on first sight of their token's `sub`). */
  currentUser(): Promise<User>;
}

const LAST_USED_GRANULARITY_MS = 60_000;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: { "WWW-Authenticate": "Bearer" } } },
  });
}

const sha256 = (s: string) => createHash("sha256").update(s).digest();

// The configured secret's hash, computed once rather than on every request.
let secretHash: { secret: string; hash: Buffer } | null = null;

function sameSecret(bearer: string, secret: string) {
  // Hash first so the comparison takes the same time whatever the lengths.
  if (secretHash?.secret !== secret) secretHash = { secret, hash: sha256(secret) };
  return timingSafeEqual(sha256(bearer), secretHash.hash);
}

export async function resolveCaller(services: Services, authorization: string | null): Promise<Caller> {
  if (!authorization) return { kind: "anonymous", actor: null };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw unauthenticated("Authorization must be 'Bearer <secret, key or token>'");
  const bearer = match[1]!;

  if (sameSecret(bearer, services.config.adminSecret)) return { kind: "admin", actor: "admin-secret" };

  if (looksLikeApiKey(bearer)) {
    const key = await services.db.apiKey.findUnique({ where: { hash: hashApiKey(bearer) } });
    if (!key || key.revokedAt) throw unauthenticated("API key is unknown or revoked");
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
      await services.db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
    }
    const scopes = new Set((key.scopes as string[]) ?? []);
    const actor = `key:${key.prefix}`;
    if (scopes.has("admin")) return { kind: "admin", actor };
    return { kind: "integrator", actor, keyId: key.id, scopes };
  }

  try {
    const claims = await verifyIdentityToken(bearer, services.config.identitySecret);
    return { kind: "member", actor: `member:${claims.externalId}`, ...claims };
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.message);
    throw error;
  }
}

/** `known`: what api/security/request-state.ts already resolved for this request. */
export async function createContext(
  services: Services,
  request: Request,
  known?: { caller: Promise<Caller>; requestId: string },
): Promise<Context> {
  const caller = await (known?.caller ?? resolveCaller(services, request.headers.get("authorization")));
  const loaders = createLoaders(services.db);
  // A valid token for an unknown person creates them, so every later read sees them.
  const current = caller.kind === "member" ? await ensureMember(services.db, caller) : undefined;
  if (current) loaders.userByExternalId.prime(current.externalId, current);
  return {
    ...services,
    caller,
    requestId: known?.requestId ?? (request.headers.get("x-request-id")?.slice(0, 100) || randomUUID()),
    loaders,
    currentUser() {
      if (!current) return Promise.reject(unauthenticated("a member identity token is required"));
      return Promise.resolve(current);
    },
  };
}

async function ensureMember(db: Db, caller: Extract<Caller, { kind: "member" }>): Promise<User> {
  // Every member request reads this row: a raw statement skips the ORM's per-call compile.
  const existing = await userByExternalIdRaw(db, caller.externalId);
  if (existing) return existing;
  return db.user.upsert({
    where: { externalId: caller.externalId },
    update: {},
    create: { externalId: caller.externalId, displayName: caller.name, email: caller.email },
  });
}

/** Is this row the signed-in member's own? Compares with their User row, which the request already holds. */
export async function ownsRow(ctx: Pick<Context, "caller" | "currentUser">, userId: string) {
  return ctx.caller.kind === "member" && (await ctx.currentUser()).id === userId;
}
