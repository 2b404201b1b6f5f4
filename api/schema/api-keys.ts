// API keys for integrators: created, listed and revoked by admins; the secret is shown once.
import { z } from "zod";
import { builder } from "../builder.ts";
import { API_KEY_SCOPES } from "../auth/api-keys.ts";
import { createApiKey, revokeApiKey } from "../domain/api-keys.ts";
import { NotFoundError } from "../errors.ts";
import type { ApiKey } from "../gen/sqlite/client.ts";

const ApiKeyScopeEnum = builder.enumType("ApiKeyScope", {
  description:
    "`admin`: everything; `read`: read people, metrics and programs; `write`: write them; `usage:write`: ingest usage only; `metrics:read`: aggregate metrics only, safe to embed in a dashboard page.",
  values: Object.fromEntries(API_KEY_SCOPES.map((s) => [s.replace(":", "_").toUpperCase(), { value: s }])),
});

const ApiKeyRef = builder.prismaNode("ApiKey", {
  id: { field: "id" },
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", { description: "The key's first characters, to tell keys apart." }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (k) => k.scopes as (typeof API_KEY_SCOPES)[number][] }),
    createdBy: t.exposeString("createdBy", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.queryField("apiKeys", (t) =>
  t.prismaConnection({
    type: "ApiKey",
    cursor: "id",
    authScopes: { admin: true },
    args: { includeRevoked: t.arg.boolean({ required: false, defaultValue: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.apiKey.findMany({
        ...query,
        where: args.includeRevoked ? {} : { revokedAt: null },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
);

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    name: t.string({ validate: z.string().trim().min(1).max(100) }),
    scopes: t.field({ type: [ApiKeyScopeEnum], validate: z.array(z.string()).min(1, "give at least one scope") }),
  }),
});

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKey; secret: string }>("CreateApiKeyPayload").implement({
  authScopes: { admin: true },
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey }),
    secret: t.exposeString("secret", { description: "The key itself. Shown once: store it now; only its hash is kept." }),
  }),
});

builder.mutationField("createApiKey", (t) =>
  t.field({
    type: CreateApiKeyPayload,
    authScopes: { admin: true },
    errors: {},
    args: { input: t.arg({ type: CreateApiKeyInput }) },
    resolve: (_root, { input }, ctx) => createApiKey(ctx.db, ctx.caller, ctx.requestId, input.name, input.scopes),
  }),
);

const RevokeApiKeyInput = builder.inputType("RevokeApiKeyInput", {
  fields: (t) => ({
    id: t.globalID({ for: ApiKeyRef }),
    reason: t.string({ required: false, validate: z.string().max(500) }),
  }),
});

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>("RevokeApiKeyPayload").implement({
  authScopes: { admin: true },
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey }) }),
});

builder.mutationField("revokeApiKey", (t) =>
  t.field({
    type: RevokeApiKeyPayload,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: RevokeApiKeyInput }) },
    resolve: async (_root, { input }, ctx) => ({
      apiKey: await revokeApiKey(ctx.db, ctx.caller, ctx.requestId, input.id.id, input.reason),
    }),
  }),
);
