// The auth matrix, generated from the built schema: every Query, Mutation and Subscription field x every
// kind of caller is allowed or denied exactly as its declared authScopes say. Fields added by
// any branch are covered without listing them here. The expected outcome is computed by an
// independent reading of the declaration (field.extensions.pothosOptions); the actual one by
// sending a minimal valid operation over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from "graphql";
import { schema } from "../../api/schema/index.ts";
import { createContext, type Caller, type Context } from "../../api/context.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { subscribe } from "../helpers/sse.ts";
import { apiKey } from "../helpers/security.ts";
import { API_KEY_SCOPES } from "../../api/auth/api-keys.ts";

const TARGET = "matrix-target";
const OTHER = "matrix-other";

interface CallerCase {
  name: string;
  caller: Caller;
  bearer: () => Promise<string | undefined>;
}

type ScopeMap = Record<string, unknown>;

function scopeAllows(caller: Caller, name: string, param: unknown): boolean {
  switch (name) {
    case "public":
      return true;
    case "admin":
      return caller.kind === "admin";
    case "member":
      return caller.kind === "member";
    case "key":
      return caller.kind === "admin" || (caller.kind === "integrator" && caller.scopes.has(param as string));
    case "self":
      return caller.kind === "member" && caller.externalId === param;
    default:
      throw new Error(`auth matrix does not know scope ${name}: teach tests/api/auth-matrix.test.ts`);
  }
}

function mapAllows(caller: Caller, map: ScopeMap, mode: "any" | "all" = "any"): boolean {
  const results = Object.entries(map).map(([key, value]) => {
    if (key === "$all") return mapAllows(caller, value as ScopeMap, "all");
    if (key === "$any") return mapAllows(caller, value as ScopeMap, "any");
    if (key === "$granted") return false;
    return scopeAllows(caller, key, value);
  });
  return mode === "any" ? results.some(Boolean) : results.every(Boolean);
}

async function declaredAllows(scopes: unknown, caller: Caller, ctx: Context, args: Record<string, unknown>): Promise<boolean> {
  if (scopes === undefined) return true;
  const resolved = typeof scopes === "function" ? await (scopes as Function)(undefined, args, ctx, {}) : scopes;
  if (typeof resolved === "boolean") return resolved;
  return mapAllows(caller, resolved as ScopeMap);
}

// ---------- minimal valid operations ----------

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString("base64");

function sampleScalar(name: string, typeName: string): unknown {
  const lower = name.toLowerCase();
  switch (typeName) {
    case "Int":
      return 1;
    case "Float":
      return 1;
    case "Boolean":
      return true;
    case "DateTime":
      return "2026-01-01T00:00:00Z";
    case "Date":
      return "2026-01-01";
    case "JSON":
      return {};
    case "ID":
      return globalId("Unknown", "matrix-missing");
    default:
      if (lower === "userid" || lower === "externalid" || lower.endsWith("externalid")) return TARGET;
      if (lower.includes("email")) return "matrix@example.com";
      if (lower.includes("url") || lower === "link") return "https://example.com/x";
      // Webhook event names are validated against the known list; "*" means all.
      if (lower === "events") return "*";
      return "matrix";
  }
}

function sampleInput(name: string, type: GraphQLInputType, extensions: Record<string, any> = {}): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [sampleInput(name, inner.ofType as GraphQLInputType, extensions)];
  if (isEnumType(inner)) return inner.getValues()[0]!.value === undefined ? inner.getValues()[0]!.name : inner.getValues()[0]!.name;
  if (isInputObjectType(inner)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) out[field.name] = sampleInput(field.name, field.type, field.extensions as Record<string, any>);
    }
    return out;
  }
  if (isScalarType(inner) && inner.name === "ID") {
    const typename = extensions?.relayGlobalIDFor?.[0]?.typename ?? "Unknown";
    return globalId(typename, "matrix-missing");
  }
  return sampleScalar(name, (inner as { name: string }).name);
}

/** The args as the auth function sees them (global IDs decoded). */
function parsedArgs(field: GraphQLField<unknown, unknown>, values: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const arg of field.args) {
    if (!(arg.name in values)) {
      if (arg.defaultValue !== undefined) out[arg.name] = arg.defaultValue;
      continue;
    }
    const v = values[arg.name];
    if ((arg.extensions as any)?.isRelayGlobalID && typeof v === "string") {
      const [typename, id] = Buffer.from(v, "base64").toString().split(":");
      out[arg.name] = { typename, id };
    } else out[arg.name] = v;
  }
  return out;
}

function typeString(type: GraphQLArgument["type"]): string {
  return type.toString();
}

function operationFor(kind: "query" | "mutation" | "subscription", field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const variables: Record<string, unknown> = {};
  for (const arg of required) variables[arg.name] = sampleInput(arg.name, arg.type, arg.extensions as Record<string, any>);
  const defs = required.map((a) => `$${a.name}: ${typeString(a.type)}`).join(", ");
  const call = required.length ? `(${required.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? " { __typename }" : "";
  return {
    query: `${kind} Matrix${defs ? `(${defs})` : ""} { ${field.name}${call}${selection} }`,
    variables,
  };
}

// ---------- the matrix ----------

const roots: { kind: "query" | "mutation" | "subscription"; type: GraphQLObjectType }[] = [
  { kind: "query", type: schema.getQueryType()! },
  { kind: "mutation", type: schema.getMutationType()! },
  { kind: "subscription", type: schema.getSubscriptionType()! },
];

/** A subscription's first event over server-sent events stands for its outcome (scopes are checked on subscribe). */
async function firstEvent(app: TestApp, query: string, variables: Record<string, unknown>, bearer: string | undefined) {
  const stream = await subscribe(app.url, query, variables, bearer ? { authorization: `Bearer ${bearer}` } : {});
  try {
    const event = await Promise.race([stream.next(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no event for ${query}`)), 5000))]);
    return { status: stream.status, data: event.data, errors: event.errors as any[] | undefined };
  } finally {
    stream.close();
  }
}

describe("auth matrix (generated from the schema)", () => {
  let app: TestApp;
  let callers: CallerCase[];
  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_ANONYMOUS: "0", RATE_LIMIT_MEMBER: "0", RATE_LIMIT_API_KEY: "0" });
    const keyCallers: CallerCase[] = [];
    for (const scope of API_KEY_SCOPES) {
      const secret = await apiKey(app, [scope], `matrix-${scope}`);
      const row = await app.db.apiKey.findFirstOrThrow({ where: { name: `matrix-${scope}` } });
      const caller: Caller =
        scope === "admin"
          ? { kind: "admin", actor: `key:${row.prefix}` }
          : { kind: "integrator", actor: `key:${row.prefix}`, keyId: row.id, scopes: new Set([scope]) };
      keyCallers.push({ name: `key ${scope}`, caller, bearer: async () => secret });
    }
    callers = [
      { name: "anonymous", caller: { kind: "anonymous", actor: null }, bearer: async () => undefined },
      { name: "member (self)", caller: { kind: "member", actor: `member:${TARGET}`, externalId: TARGET }, bearer: () => app.memberToken(TARGET) },
      { name: "member (someone else)", caller: { kind: "member", actor: `member:${OTHER}`, externalId: OTHER }, bearer: () => app.memberToken(OTHER) },
      ...keyCallers,
      { name: "admin secret", caller: { kind: "admin", actor: "admin-secret" }, bearer: async () => app.config.adminSecret },
    ];
  });
  afterAll(() => app.close());

  for (const { kind, type } of roots) {
    const typeScopes = (type.extensions as any)?.pothosOptions?.authScopes;
    for (const field of Object.values(type.getFields())) {
      it(`${type.name}.${field.name} is allowed or denied as declared for every caller`, async () => {
        const options = (field.extensions as any)?.pothosOptions ?? {};
        const { query, variables } = operationFor(kind, field);
        const outcomes: string[] = [];
        const mismatches: string[] = [];
        for (const c of callers) {
          // The person the operation names exists, as they would in production.
          await app.db.user.upsert({ where: { externalId: TARGET }, update: {}, create: { externalId: TARGET } });
          const ctx = await createContext(app.server.services, new Request("http://matrix/graphql"), {
            caller: Promise.resolve(c.caller),
            requestId: "matrix",
          });
          const args = parsedArgs(field, variables);
          const expected =
            (options.skipTypeScopes ? true : await declaredAllows(typeScopes, c.caller, ctx, args)) &&
            (await declaredAllows(options.authScopes, c.caller, ctx, args));
          const result = kind === "subscription" ? await firstEvent(app, query, variables, await c.bearer()) : await app.gql(query, variables, await c.bearer());
          const authError = result.errors?.find((e) => ["UNAUTHENTICATED", "FORBIDDEN"].includes(e.extensions?.code) && e.path?.[0] === field.name);
          const requestError = result.status >= 400 && !result.data;
          if (requestError) mismatches.push(`${c.name}: request refused before authorization: ${JSON.stringify(result.errors)}`);
          const actual = !authError;
          outcomes.push(`${c.name}=${actual ? "allow" : "deny"}`);
          if (actual !== expected) mismatches.push(`${c.name}: declared ${expected ? "allow" : "deny"}, got ${actual ? "allow" : "deny"} ${JSON.stringify(result.errors ?? [])}`);
        }
        expect(mismatches, `${query}\n${outcomes.join(", ")}`).toEqual([]);
      });
    }
  }

  it("denies every admin-only root field to anonymous callers (no field left open by accident)", () => {
    const open = roots
      .flatMap((r) => Object.values(r.type.getFields()))
      .filter((f) => (f.extensions as any)?.pothosOptions?.skipTypeScopes && (f.extensions as any)?.pothosOptions?.authScopes === undefined)
      .map((f) => f.name);
    expect(open, "fields that skip the root type's admin-only scope must declare their own").toEqual([]);
  });
});

// Plugin-made structure types carry no scope of their own: they are reachable only through the
// scoped field that returns them. Relay: connections, edges, PageInfo. Errors plugin: the
// `<Parent><Field>Success { data }` wrapper of a field with `errors` and no directResult.
const isRelayStructure = (type: GraphQLObjectType) => {
  const fields = type.getFields();
  const names = Object.keys(fields);
  return (
    type.name === "PageInfo" ||
    ("edges" in fields && "pageInfo" in fields) ||
    ("node" in fields && "cursor" in fields && type.name.endsWith("Edge")) ||
    (type.name.endsWith("Success") && names.length === 1 && names[0] === "data")
  );
};

describe("every object type declares its scopes", () => {
  it("has a type-level scope or a scope on each of its fields", () => {
    const unscoped: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__") || isRelayStructure(type)) continue;
      if ((type.extensions as any)?.pothosOptions?.authScopes) continue;
      for (const field of Object.values(type.getFields())) {
        if (!(field.extensions as any)?.pothosOptions?.authScopes) unscoped.push(`${type.name}.${field.name}`);
      }
    }
    expect(unscoped).toEqual([]);
  });
});
