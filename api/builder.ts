// The one SchemaBuilder. Plugin order matters: auth runs first, errors wrap validation
// so input failures come back as typed ValidationError results.
import SchemaBuilder from "@pothos/core";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ErrorsPlugin from "@pothos/plugin-errors";
import ValidationPlugin from "@pothos/plugin-validation";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import type PrismaTypes from "./gen/pothos-types.ts";
import { getDatamodel } from "./gen/pothos-types.ts";
import { PrismaClient } from "./gen/sqlite/client.ts";
import type { Context } from "./context.ts";
import type { ApiKeyScope } from "./auth/api-keys.ts";
import { ValidationError } from "./errors.ts";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** Anyone, signed in or not: only for data meant to be public. */
    public: boolean;
    admin: boolean;
    /** Any signed-in member (identity token). */
    member: boolean;
    /** An API key holding this scope (admins hold every scope). */
    key: ApiKeyScope;
    /** The signed-in member is the person with this externalId. */
    self: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, PrismaPlugin, RelayPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, context) =>
      new GraphQLError(
        context.caller.kind === "anonymous" ? "Not authorized: sign in or send an API key" : "Not authorized",
        { extensions: { code: context.caller.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN" } },
      ),
    authScopes: (context) => {
      const { caller } = context;
      return {
        public: true,
        admin: caller.kind === "admin",
        member: caller.kind === "member",
        key: (scope) => caller.kind === "admin" || (caller.kind === "integrator" && caller.scopes.has(scope)),
        self: (externalId) => caller.kind === "member" && caller.externalId === externalId,
      };
    },
  },
  errors: {
    defaultTypes: [ValidationError],
    directResult: true,
    // Validation runs before resolvers; its failures become typed ValidationError results.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (result) =>
      new ValidationError(
        result.issues.map((issue) => ({
          field:
            issue.path?.map((p) => String(typeof p === "object" && p !== null ? p.key : p)).join(".") || "input",
          message: issue.message,
        })),
      ),
  },
  prisma: {
    client: (ctx) => ctx.db as PrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // Each node type guards itself (type-level scopes); the root `node` field only dispatches.
    nodeQueryOptions: { skipTypeScopes: true, authScopes: { public: true } },
    nodesQueryOptions: false,
  },
});
