// Schema-driven fuzzing: for every mutation (whatever branch added it), random valid-shaped and
// invalid inputs never yield a 500, an unexpected (masked) error, a leaked stack, or a partial
// write (a refused mutation leaves every table's row count and the audit log unchanged).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLInputType,
  type GraphQLField,
} from "graphql";
import { schema } from "../../api/schema/index.ts";
import { Prisma } from "../../api/db.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import type { RequestLogLine } from "../../api/security/logging.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const KNOWN_PEOPLE = ["fuzz-a", "fuzz-b"];

const nastyStrings = fc.constantFrom("", " ", "\u0000", "a".repeat(5000), "💥🔥", "'; DROP TABLE \"User\"; --", "<script>alert(1)</script>", "../../etc/passwd", "null", "-1", "1e309", "\ud800");
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), nastyStrings);
const globalId = fc.tuple(fc.constantFrom("User", "ApiKey", "Program", "Badge", "Feedback", "Cohort", "Nope"), fc.string({ maxLength: 12 })).map(([t, id]) => Buffer.from(`${t}:${id}`).toString("base64"));
const isoInstant = fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());

function scalar(name: string, typeName: string): fc.Arbitrary<unknown> {
  const lower = name.toLowerCase();
  switch (typeName) {
    case "Int":
      return fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, -1, 2147483647, -2147483648));
    case "Float":
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e300));
    case "Boolean":
      return fc.boolean();
    case "ID":
      return fc.oneof(globalId, text);
    case "DateTime":
      return fc.oneof(isoInstant, text);
    case "Date":
      return fc.oneof(isoInstant.map((s) => s.slice(0, 10)), text);
    case "JSON":
      return fc.jsonValue({ maxDepth: 3 });
    default:
      if (lower === "userid" || lower.endsWith("externalid")) return fc.oneof(fc.constantFrom(...KNOWN_PEOPLE), text);
      if (lower.includes("email")) return fc.oneof(fc.emailAddress(), text);
      if (lower.includes("url")) return fc.oneof(fc.webUrl(), text);
      return text;
  }
}

function inputArb(name: string, type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  const inner = getNullableType(type);
  const nullable = !isNonNullType(type);
  let arb: fc.Arbitrary<unknown>;
  if (isListType(inner)) arb = depth > 3 ? fc.constant([]) : fc.array(inputArb(name, inner.ofType as GraphQLInputType, depth + 1), { maxLength: 4 });
  else if (isEnumType(inner)) arb = fc.constantFrom(...inner.getValues().map((v) => v.name));
  else if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields());
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) shape[f.name] = depth > 3 ? fc.constant(null) : inputArb(f.name, f.type, depth + 1);
    const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => f.name);
    arb = fc.record(shape, { requiredKeys: required });
  } else arb = scalar(name, (inner as { name: string }).name);
  return nullable ? fc.option(arb, { nil: null, freq: 5 }) : arb;
}

/** Valid-shaped args most of the time, otherwise something malformed (missing fields, junk, extra keys). */
function argsArb(field: GraphQLField<unknown, unknown>) {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const arg of field.args) shape[arg.name] = inputArb(arg.name, arg.type);
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined).map((a) => a.name);
  const valid = fc.record(shape, { requiredKeys: required });
  const malformed = fc.oneof(
    fc.dictionary(fc.constantFrom(...field.args.map((a) => a.name), "extra"), fc.jsonValue({ maxDepth: 2 })),
    valid.chain((v) => fc.record({ extraKey: fc.string() }).map((extra) => ({ ...v, ...Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, typeof x === "object" && x ? { ...x, ...extra } : x])) }))),
  );
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: malformed });
}

function operationFor(field: GraphQLField<unknown, unknown>) {
  const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const call = field.args.length ? `(${field.args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? " { __typename }" : "";
  return `mutation Fuzz${defs ? `(${defs})` : ""} { ${field.name}${call}${selection} }`;
}

const models = Object.values(Prisma.ModelName).map((m) => m.charAt(0).toLowerCase() + m.slice(1));

/** Every table's row count, in one transaction (one consistent snapshot, one round trip per table batch). */
async function rowCounts(app: TestApp) {
  const totals: number[] = await app.db.$transaction(models.map((model) => (app.db as any)[model].count()));
  return Object.fromEntries(models.map((model, i) => [model, totals[i]!]));
}

const STACK = /\n\s+at |\.ts:\d+|node_modules|Prisma|SQLITE|invocation/;

describe("mutation fuzzing (generated from the schema)", () => {
  let app: TestApp;
  const lines: RequestLogLine[] = [];
  beforeAll(async () => {
    app = await createTestApp({ NODE_ENV: "production", RATE_LIMIT_API_KEY: "0" }, { logSink: (l) => lines.push(l) });
    for (const externalId of KNOWN_PEOPLE) await app.db.user.create({ data: { externalId, displayName: externalId } });
  });
  afterAll(() => app.close());

  for (const field of Object.values(schema.getMutationType()!.getFields())) {
    it(`Mutation.${field.name}: random inputs never crash, leak or half-write`, { timeout: 120_000 }, async () => {
      const query = operationFor(field);
      // Fuzz as a caller the field lets in: admin, or a member for member-only fields.
      const scopes = (field.extensions as any)?.pothosOptions?.authScopes;
      const memberOnly = scopes && typeof scopes === "object" && !("admin" in scopes) && ("member" in scopes || "self" in scopes);
      const bearer = memberOnly ? await app.memberToken("fuzz-a") : "admin";
      // A member's first request creates them; do it before counting rows.
      await app.gql("{ health }", {}, bearer);
      await fc.assert(
        fc.asyncProperty(argsArb(field), async (variables) => {
          const before = await rowCounts(app);
          lines.length = 0;
          const result = await app.gql(query, variables as Record<string, unknown>, bearer);
          const raw = JSON.stringify(result.errors ?? []);
          expect(result.status, raw).toBeLessThan(500);
          expect(raw).not.toMatch(STACK);
          expect(result.errors?.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR"), `${raw}\n${JSON.stringify(lines.map((l) => l.internalErrors))}`).toBeFalsy();
          const payload = result.data?.[field.name] as { __typename?: string } | undefined;
          const refused = !!result.errors?.length || !payload || /Error$/.test(payload.__typename ?? "");
          if (refused) expect(await rowCounts(app), `refused but wrote: ${JSON.stringify(variables).slice(0, 300)}`).toEqual(before);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});
