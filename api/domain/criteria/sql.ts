// Criteria compiled to one set-based SQL statement over the rollups: one aggregated
// subquery per condition (LEFT JOINed to "User"), a column per condition, then the pass
// test and the score over those columns. The same statement explains one user (filtered
// to them) and finds candidates among all users, so the two can never disagree.
import { Prisma, sqlTime, type Dialect } from "../../db.ts";
import { startOfDay } from "../days.ts";
import { conditionsOf, isAll, isAny, isAttribute, isMembership, type Condition, type Criteria, type Op } from "./types.ts";

export interface CompileOptions {
  dialect: Dialect;
  asOfDay: number;
  /** The program being evaluated (TIER_AT_LEAST without a programSlug reads ranks here). */
  programId: string | null;
  /** Program ids for every slug the criteria mention; unknown slugs match nobody. */
  programIds: ReadonlyMap<string, string>;
  /** Restrict every subquery to one user (explanations). */
  userId?: string;
  /**
   * Only rows of users who can pass are needed (candidates): a top-level condition that
   * requires activity becomes a materialised pre-filter, and every other aggregate runs only
   * for the users it lets through (index seeks instead of a scan of the whole window).
   */
  prune?: boolean;
  /** Only these users (a subquery selecting "userId"), e.g. a program's active members for tier evaluation. */
  population?: Prisma.Sql;
}

export interface Compiled {
  conditions: Condition[];
  /** SELECT "userId", "m0".."mN" FROM "User" u ... (no outer filter yet). */
  metrics: Prisma.Sql;
  /** Boolean expression over b."m0".."mN": the user passes. */
  pass: Prisma.Sql;
  /** Numeric expression over b."m0".."mN": how far the user exceeds the thresholds. */
  score: Prisma.Sql;
}

const num = (n: number) => Prisma.raw(String(Number(n)));
const col = (i: number) => Prisma.raw(`b."m${i}"`);
const UNKNOWN_PROGRAM = "(unknown program)"; // no cuid looks like this, so it matches nobody

export function compileCriteria(criteria: Criteria | null, o: CompileOptions): Compiled {
  const conditions = conditionsOf(criteria);
  const joins: Prisma.Sql[] = [];
  const columns: Prisma.Sql[] = [];
  const population = !o.userId && o.population ? o.population : null;
  const pruneBy = o.prune && !o.userId && !population && criteria ? pruningCondition(criteria) : null;
  const pruneIndex = pruneBy ? conditions.indexOf(pruneBy) : -1;
  const only = pruneBy || population ? Prisma.sql`"userId" IN (SELECT "userId" FROM "pre")` : null;
  conditions.forEach((c, i) => {
    const alias = Prisma.raw(`j${i}`);
    const source = i === pruneIndex ? Prisma.sql`SELECT "userId", "v" FROM "pre"` : sourceOf(c, o, only);
    if (source) {
      joins.push(Prisma.sql`LEFT JOIN (${source}) ${alias} ON ${alias}."userId" = u."id"`);
      columns.push(Prisma.sql`COALESCE(${alias}."v", 0) AS ${Prisma.raw(`"m${i}"`)}`);
    } else {
      columns.push(Prisma.sql`${userExpr(c, o)} AS ${Prisma.raw(`"m${i}"`)}`);
    }
  });
  const userFilter = o.userId
    ? Prisma.sql`WHERE u."id" = ${o.userId}`
    : pruneBy || population ? Prisma.sql`WHERE u."id" IN (SELECT "userId" FROM "pre")` : Prisma.empty;
  const pre = pruneBy
    ? Prisma.sql`WITH "pre" AS MATERIALIZED (SELECT s."userId", s."v" FROM (${sourceOf(pruneBy, o, null)}) s
        WHERE ${conditionSql(pruneBy, Prisma.raw(`s."v"`)).pass}) `
    : population ? Prisma.sql`WITH "pre" AS MATERIALIZED (${population}) ` : Prisma.empty;
  const metrics = Prisma.sql`${pre}SELECT u."id" AS "userId"${columns.length ? Prisma.sql`, ${Prisma.join(columns)}` : Prisma.empty}
    FROM "User" u ${joins.length ? Prisma.join(joins, " ") : Prisma.empty} ${userFilter}`;

  const ids = new Map<Condition, number>();
  conditions.forEach((c, i) => ids.set(c, i));
  const walk = (node: Criteria): { pass: Prisma.Sql; score: Prisma.Sql } => {
    if (isAll(node) || isAny(node)) {
      const parts = (isAll(node) ? node.all : node.any).map(walk);
      if (isAll(node)) {
        return {
          pass: Prisma.sql`(${Prisma.join(parts.map((p) => p.pass), " AND ")})`,
          score: Prisma.sql`(${Prisma.join(parts.map((p) => p.score), " + ")})`,
        };
      }
      // An `any` group scores its best passing branch.
      const branches = parts.map((p) => Prisma.sql`CASE WHEN ${p.pass} THEN ${p.score} ELSE 0 END`);
      return {
        pass: Prisma.sql`(${Prisma.join(parts.map((p) => p.pass), " OR ")})`,
        score: branches.length === 1 ? branches[0]! : Prisma.sql`${Prisma.raw(o.dialect === "sqlite" ? "MAX" : "GREATEST")}(${Prisma.join(branches)})`,
      };
    }
    return conditionSql(node, col(ids.get(node)!));
  };
  const tree = criteria ? walk(criteria) : { pass: Prisma.sql`(1 = 1)`, score: Prisma.sql`0` };
  return { conditions, metrics, pass: tree.pass, score: tree.score };
}

/** The pass test and the normalised margin of one condition over its column. */
function conditionSql(c: Condition, v: Prisma.Sql): { pass: Prisma.Sql; score: Prisma.Sql } {
  if (isAttribute(c)) {
    return { pass: Prisma.sql`(${v} IS NOT NULL AND ${v} IN (${Prisma.join(c.values)}))`, score: Prisma.sql`0` };
  }
  if (isMembership(c)) {
    return { pass: Prisma.sql`(${v} ${Prisma.raw(c.value ? "= 1" : "= 0")})`, score: Prisma.sql`0` };
  }
  const t = c.value;
  const scale = Math.max(Math.abs(t), 1);
  return { pass: Prisma.sql`(${v} ${Prisma.raw(OP_SQL[c.op])} ${num(t)})`, score: marginSql(c.op, v, t, scale) };
}

const OP_SQL: Record<Op, string> = { GTE: ">=", GT: ">", LTE: "<=", LT: "<", EQ: "=" };

function marginSql(op: Op, v: Prisma.Sql, t: number, scale: number): Prisma.Sql {
  if (op === "GTE" || op === "GT") return Prisma.sql`((${v} - ${num(t)}) * 1.0 / ${num(scale)})`;
  if (op === "LTE" || op === "LT") return Prisma.sql`((${num(t)} - ${v}) * 1.0 / ${num(scale)})`;
  return Prisma.sql`0`;
}

/** Cheapest first: the pre-filter should be small and quick to compute. */
const PRUNE_ORDER: Condition["metric"][] = ["MEMBER_OF_PROGRAM", "TIER_AT_LEAST", "CONTRIBUTIONS", "POINTS", "ACTIVE_DAYS", "SESSIONS", "ADVANCED_FEATURES", "FEATURE_BREADTH"];

/** A condition every passing user must meet and that needs rows in its source (a value above 0). */
function pruningCondition(criteria: Criteria): Condition | null {
  const required = isAll(criteria) ? criteria.all : isAny(criteria) ? (criteria.any.length === 1 ? criteria.any : []) : [criteria];
  const options = required.filter((c): c is Condition => {
    if (isAll(c) || isAny(c)) return false;
    if (isMembership(c)) return c.value;
    if (isAttribute(c) || c.metric === "TENURE_DAYS") return false;
    if (c.metric === "POINTS") return (c.op === "GTE" || c.op === "EQ") ? c.value > 0 : c.op === "GT" && c.value >= 0;
    return (c.op === "GTE" || c.op === "EQ") ? c.value > 0 : c.op === "GT";
  });
  options.sort((a, b) => PRUNE_ORDER.indexOf(a.metric) - PRUNE_ORDER.indexOf(b.metric));
  return options[0] ?? null;
}

/** A subquery (userId, v) aggregating the rollups for one condition, or null when the value comes from "User". */
function sourceOf(c: Condition, o: CompileOptions, only: Prisma.Sql | null = null): Prisma.Sql | null {
  const one = (column = `"userId"`) =>
    o.userId
      ? Prisma.sql`AND ${Prisma.raw(column)} = ${o.userId}`
      : only ? Prisma.sql`AND ${Prisma.raw(column)} IN (SELECT "userId" FROM "pre")` : Prisma.empty;
  const lo = c.windowDays ? o.asOfDay - c.windowDays + 1 : null;
  const hi = o.asOfDay;
  const days = Prisma.sql`"day" BETWEEN ${num(lo ?? hi)} AND ${num(hi)}`;
  const instant = (day: number) => sqlTime(o.dialect, startOfDay(day));
  const between = (column: string) =>
    Prisma.sql`${Prisma.raw(column)} < ${instant(hi + 1)} ${lo !== null ? Prisma.sql`AND ${Prisma.raw(column)} >= ${instant(lo)}` : Prisma.empty}`;
  const programId = (slug: string | undefined) => (slug ? o.programIds.get(slug) ?? UNKNOWN_PROGRAM : o.programId ?? UNKNOWN_PROGRAM);
  switch (c.metric) {
    case "ACTIVE_DAYS":
      return Prisma.sql`SELECT "userId", COUNT(*) AS "v" FROM "UserDay" WHERE ${days} ${one()} GROUP BY "userId"`;
    case "SESSIONS":
      return Prisma.sql`SELECT "userId", SUM("sessions") AS "v" FROM "UserDay" WHERE ${days} ${one()} GROUP BY "userId"`;
    case "FEATURE_BREADTH":
      return Prisma.sql`SELECT "userId", COUNT(DISTINCT "featureId") AS "v" FROM "UsageDaily" WHERE ${days} ${one()} GROUP BY "userId"`;
    case "ADVANCED_FEATURES":
      return Prisma.sql`SELECT d."userId", COUNT(DISTINCT d."featureId") AS "v" FROM "UsageDaily" d
        JOIN "Feature" f ON f."id" = d."featureId" AND f."advanced" = TRUE
        WHERE d.${days} ${one(`d."userId"`)} GROUP BY d."userId"`;
    case "POINTS": {
      const scope = c.programSlug ? Prisma.sql`AND "programId" = ${programId(c.programSlug)}` : Prisma.empty;
      return Prisma.sql`SELECT "userId", SUM("points") AS "v" FROM "PointsEntry" WHERE ${between(`"occurredAt"`)} ${scope} ${one()} GROUP BY "userId"`;
    }
    case "CONTRIBUTIONS": {
      // Kinds are validated enum names, so inlining them is safe and avoids enum-vs-text parameter typing on PostgreSQL.
      const kind = c.kind ? Prisma.raw(`AND "kind" = '${c.kind}'`) : Prisma.empty;
      return Prisma.sql`SELECT "userId", COUNT(*) AS "v" FROM "Contribution" WHERE "status" = 'APPROVED' ${kind} AND ${between(`"occurredAt"`)} ${one()} GROUP BY "userId"`;
    }
    case "TIER_AT_LEAST":
      return Prisma.sql`SELECT m."userId", t."rank" AS "v" FROM "Membership" m JOIN "Tier" t ON t."id" = m."tierId"
        WHERE m."programId" = ${programId(c.programSlug)} AND m."status" IN ('ACTIVE', 'PAUSED') ${one(`m."userId"`)}`;
    case "MEMBER_OF_PROGRAM":
      return Prisma.sql`SELECT "userId", 1 AS "v" FROM "Membership" WHERE "programId" = ${programId(c.programSlug)} AND "status" = 'ACTIVE' ${one()}`;
    default:
      return null;
  }
}

/** Values read straight from the user row: tenure and attributes. */
function userExpr(c: Condition, o: CompileOptions): Prisma.Sql {
  if (c.metric === "TENURE_DAYS") {
    const firstDay =
      o.dialect === "sqlite"
        ? Prisma.sql`CAST(julianday(u."firstSeenAt") - 2440587.5 AS INTEGER)`
        : Prisma.sql`CAST(FLOOR(EXTRACT(EPOCH FROM u."firstSeenAt") / 86400) AS INTEGER)`;
    return Prisma.sql`(CASE WHEN ${num(o.asOfDay)} > ${firstDay} THEN ${num(o.asOfDay)} - ${firstDay} ELSE 0 END)`;
  }
  if (isAttribute(c)) {
    if (o.dialect === "sqlite") {
      const path = `$."${c.attribute}"`;
      // json_extract gives 1/0 for booleans; spell them as JSON does so "true" matches on both databases.
      return Prisma.sql`(CASE json_type(u."attributes", ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
        WHEN 'object' THEN NULL WHEN 'array' THEN NULL ELSE CAST(json_extract(u."attributes", ${path}) AS TEXT) END)`;
    }
    return Prisma.sql`(CASE WHEN jsonb_typeof(u."attributes" -> CAST(${c.attribute} AS TEXT)) IN ('string', 'number', 'boolean')
      THEN u."attributes" ->> CAST(${c.attribute} AS TEXT) END)`;
  }
  throw new Error(`no user expression for ${c.metric}`);
}
