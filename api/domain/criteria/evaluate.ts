// Evaluating criteria: one user's explanation, and the ranked candidates of a program.
import { Prisma, type Db, type Dialect } from "../../db.ts";
import { compileCriteria, type CompileOptions } from "./sql.ts";
import { compare, labelOf, referencedProgramSlugs, type Condition, type ConditionResult, type Criteria, type Explanation, isAll, isAny, isAttribute, isMembership } from "./types.ts";

export interface EvaluateOptions {
  /** UTC day number the windows end on (inclusive). */
  asOfDay: number;
  /** The program whose tiers TIER_AT_LEAST reads when the condition names no other program. */
  programId?: string | null;
}

type Row = Record<string, unknown> & { userId: string };

async function programIdsBySlug(db: Db, criteria: Criteria | null) {
  const slugs = referencedProgramSlugs(criteria);
  if (slugs.length === 0) return new Map<string, string>();
  const programs = await db.program.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } });
  return new Map(programs.map((p) => [p.slug, p.id]));
}

async function compileFor(db: Db, dialect: Dialect, criteria: Criteria | null, options: EvaluateOptions, userId?: string, prune = false, population?: Prisma.Sql) {
  const compile: CompileOptions = {
    dialect,
    asOfDay: options.asOfDay,
    programId: options.programId ?? null,
    programIds: await programIdsBySlug(db, criteria),
    userId,
    prune,
    population,
  };
  return compileCriteria(criteria, compile);
}

/** Turns one metrics row into the explanation (the tree decides `passed`, conditions list every leaf). */
export function explain(criteria: Criteria | null, conditions: Condition[], row: Row | undefined): Explanation {
  const results = new Map<Condition, ConditionResult>();
  conditions.forEach((c, i) => results.set(c, resultOf(c, row?.[`m${i}`])));
  const passes = (node: Criteria): boolean => {
    if (isAll(node)) return node.all.every(passes);
    if (isAny(node)) return node.any.some(passes);
    return results.get(node)!.passed;
  };
  return { passed: criteria ? passes(criteria) : true, conditions: conditions.map((c) => results.get(c)!) };
}

function resultOf(c: Condition, raw: unknown): ConditionResult {
  const base = { metric: c.metric, windowDays: c.windowDays, op: c.op };
  if (isAttribute(c)) {
    const actualValue = raw === null || raw === undefined ? null : String(raw);
    return {
      ...base, threshold: null, actual: null, attribute: c.attribute, expectedValues: c.values, actualValue,
      passed: actualValue !== null && c.values.includes(actualValue), label: labelOf(c, null, actualValue),
    };
  }
  const actual = raw === null || raw === undefined ? 0 : Number(raw);
  if (isMembership(c)) {
    return {
      ...base, threshold: c.value ? 1 : 0, actual, programSlug: c.programSlug,
      passed: c.value ? actual === 1 : actual === 0, label: labelOf(c, actual, null),
    };
  }
  return {
    ...base, threshold: c.value, actual, kind: c.kind ?? null, programSlug: c.programSlug ?? null,
    passed: compare(actual, c.op, c.value), label: labelOf(c, actual, null),
  };
}

/**
 * Explains criteria for one user (by internal id). A user with no usage at all still gets
 * a full explanation with zeros; an unknown user id gets the same (they have no data).
 */
export async function evaluateCriteria(db: Db, dialect: Dialect, userId: string, criteria: Criteria | null, options: EvaluateOptions): Promise<Explanation> {
  const compiled = await compileFor(db, dialect, criteria, options, userId);
  const rows = await db.$queryRaw<Row[]>(compiled.metrics);
  return explain(criteria, compiled.conditions, rows[0]);
}

/** Explanations for many users at once (one statement), keyed by user id. */
export async function evaluateCriteriaForUsers(db: Db, dialect: Dialect, userIds: string[], criteria: Criteria | null, options: EvaluateOptions) {
  const result = new Map<string, Explanation>();
  if (userIds.length === 0) return result;
  const compiled = await compileFor(db, dialect, criteria, options);
  const byId = new Map<string, Row>();
  // Chunks stay well under the databases' bound-parameter limits (SQLite 32766, PostgreSQL 65535).
  for (let i = 0; i < userIds.length; i += 5000) {
    const chunk = userIds.slice(i, i + 5000);
    const rows = await db.$queryRaw<Row[]>`SELECT * FROM (${compiled.metrics}) b WHERE b."userId" IN (${Prisma.join(chunk)})`;
    for (const r of rows) byId.set(r.userId, r);
  }
  for (const id of userIds) result.set(id, explain(criteria, compiled.conditions, byId.get(id)));
  return result;
}

/**
 * Explanations for everyone a subquery selects (`SELECT "userId" FROM ...`), in one statement
 * whose aggregates only read those people's rollups: tier evaluation over a program's members.
 */
export async function evaluateCriteriaForPopulation(db: Db, dialect: Dialect, population: Prisma.Sql, criteria: Criteria | null, options: EvaluateOptions) {
  const compiled = await compileFor(db, dialect, criteria, options, undefined, false, population);
  const rows = await db.$queryRaw<Row[]>(compiled.metrics);
  return new Map(rows.map((r) => [r.userId, explain(criteria, compiled.conditions, r)]));
}

export interface Candidate {
  userId: string;
  score: number;
  explanation: Explanation;
}

export interface CandidatesQuery extends EvaluateOptions {
  programId: string;
  offset: number;
  limit: number;
}

/**
 * Users who pass the criteria and are not in the program (members, paused, invited and removed
 * people are left out; people who left may come back), nor hold an open invitation to it.
 * Ranked by score (the sum of how far each condition is exceeded, relative to its threshold),
 * then by user id so pages are stable.
 */
export async function findCandidates(db: Db, dialect: Dialect, criteria: Criteria | null, q: CandidatesQuery) {
  const compiled = await compileFor(db, dialect, criteria, q, undefined, true);
  const scoreType = Prisma.raw(dialect === "sqlite" ? "REAL" : "DOUBLE PRECISION");
  // Candidates are people not erased, not already in the program and not holding an open invitation.
  const notYetInvolved = Prisma.sql`NOT EXISTS (SELECT 1 FROM "User" x WHERE x."id" = b."userId" AND x."erasedAt" IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM "Membership" mm WHERE mm."userId" = b."userId" AND mm."programId" = ${q.programId} AND mm."status" <> 'LEFT')
      AND NOT EXISTS (SELECT 1 FROM "Invitation" iv WHERE iv."userId" = b."userId" AND iv."programId" = ${q.programId} AND iv."status" = 'SENT')`;
  const rows = await db.$queryRaw<(Row & { score: unknown; total: unknown })[]>`
    SELECT b.*, CAST(${compiled.score} AS ${scoreType}) AS "score", COUNT(*) OVER () AS "total"
    FROM (${compiled.metrics}) b
    WHERE ${compiled.pass}
      AND ${notYetInvolved}
    ORDER BY "score" DESC, b."userId" ASC
    LIMIT ${q.limit} OFFSET ${q.offset}`;
  let totalCount = rows.length ? Number(rows[0]!.total) : null;
  if (totalCount === null && q.offset > 0) {
    // Past the last page the window count is gone; count on its own.
    const [count] = await db.$queryRaw<{ total: unknown }[]>`
      SELECT COUNT(*) AS "total" FROM (${compiled.metrics}) b WHERE ${compiled.pass}
        AND ${notYetInvolved}`;
    totalCount = Number(count?.total ?? 0);
  }
  const candidates: Candidate[] = rows.map((r) => ({
    userId: r.userId,
    score: Math.round(Number(r.score) * 1000) / 1000,
    explanation: explain(criteria, compiled.conditions, r),
  }));
  return { candidates, totalCount: totalCount ?? 0 };
}
