// Usage ingest: checked events written set-based in one transaction, with the rollups
// (UsageDaily, UserDay, UsageSession, User.lastActiveAt) kept current in the same transaction.
//
// Each statement takes the whole batch as one JSON parameter (see sql.ts for why).
//
// Exactness under replays and concurrency rests on one rule: a rollup only counts what this
// transaction's INSERT ... ON CONFLICT DO NOTHING RETURNING actually inserted. A concurrent
// transaction inserting the same eventId (or session) waits on the unique key and then inserts
// nothing, so it counts nothing. Keys are written in sorted order so overlapping batches on
// PostgreSQL take their locks in the same order (deadlocks are retried anyway).
import { randomUUID } from "node:crypto";
import { sqlTime, type Db, type Dialect } from "../../db.ts";
import type { Caller } from "../../context.ts";
import { auditPlan } from "../audit.ts";
import { checkEvents, type UsageEvent, type UsageEventInput } from "./events.ts";
import { col, jsonRows, rowsParam, withRetries } from "./sql.ts";
import { execute, query, runAsync, runInTransaction, type Plan, type Sql } from "../plan.ts";

export interface IngestResult {
  /** Events written for the first time. */
  accepted: number;
  /** Events already known (earlier batches, or earlier in this batch) and ignored. */
  duplicates: number;
}

export interface IngestOptions {
  now?: Date;
  /** Who sent the batch; recorded in the audit log with the counts. */
  audit?: { caller: Caller; requestId?: string };
}

/** A Prisma client or an interactive transaction: both run raw SQL. */
export type { Sql };

/** Generous: CLI batches may exceed the API's 5,000 and PostgreSQL may queue behind overlapping batches. */
export const TRANSACTION_OPTIONS = { timeout: 120_000, maxWait: 60_000 } as const;

/** Checks then writes a batch; throws UsageBatchError (nothing written) when any event is bad. */
export async function ingestUsage(db: Db, dialect: Dialect, inputs: readonly UsageEventInput[], options: IngestOptions = {}): Promise<IngestResult> {
  const now = options.now ?? new Date();
  const events = checkEvents(inputs, now);
  return ingestCheckedEvents(db, dialect, events, options);
}

export async function ingestCheckedEvents(db: Db, dialect: Dialect, events: readonly UsageEvent[], options: IngestOptions = {}): Promise<IngestResult> {
  const now = options.now ?? new Date();
  // The first event with an id wins; later ones in the same batch are duplicates.
  const byId = new Map<string, UsageEvent>();
  for (const e of events) if (!byId.has(e.eventId)) byId.set(e.eventId, e);
  const unique = [...byId.values()].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  if (unique.length === 0) return { accepted: 0, duplicates: events.length };

  const audit = options.audit;
  // The batch and its audit entry as one transaction, on the database's raw writer (plan.ts).
  function* batch(): Plan<IngestResult> {
    const accepted = yield* writeEventsPlan(dialect, unique, now);
    const result = { accepted, duplicates: events.length - accepted };
    if (audit) yield* auditPlan(dialect, audit.caller, audit.requestId, { action: "usage.ingest", targetType: "UsageEvent", after: { events: events.length, ...result } }, now);
    return result;
  }
  return withRetries(() => runInTransaction(db, batch));
}

function* writeEventsPlan(dialect: Dialect, events: readonly UsageEvent[], now: Date): Plan<number> {
  const userIds = yield* ensureUsersPlan(dialect, events.map((e) => e.userId), now);
  const featureIds = yield* ensureFeaturesPlan(dialect, events.map((e) => e.feature), now);
  const received = now.toISOString();

  const rows = events.map((e) => [e.eventId, userIds.get(e.userId), featureIds.get(e.feature), e.occurredAt.toISOString(), e.day, e.sessionId, e.properties]);
  const c = (i: number, cast = "") => col(dialect, i, cast);
  const inserted: { eventId: string }[] = yield query(
    `INSERT INTO "UsageEvent" ("eventId", "userId", "featureId", "occurredAt", "day", "sessionId", "properties", "receivedAt")
     SELECT ${c(0)}, ${c(1)}, ${c(2)}, ${instantCol(dialect, 3)}, ${c(4, "int")}, ${c(5)}, ${c(6, "jsonb")}, ${instantParam(dialect, 2)}
     FROM ${jsonRows(dialect)} WHERE true
     ON CONFLICT ("eventId") DO NOTHING RETURNING "eventId"`,
    // Positional `?` on SQLite follow the text (receivedAt first); PostgreSQL numbers them.
    ...(dialect === "sqlite" ? [sqlTime(dialect, now), rowsParam(rows)] : [rowsParam(rows), received]),
  );
  if (inserted.length === 0) return 0;

  const fresh = new Set(inserted.map((r) => r.eventId));
  yield* addToRollupsPlan(
    dialect,
    events
      .filter((e) => fresh.has(e.eventId))
      .map((e) => ({ userId: userIds.get(e.userId)!, featureId: featureIds.get(e.feature)!, day: e.day, sessionId: e.sessionId, occurredAt: e.occurredAt })),
  );
  return fresh.size;
}

/** An ISO instant from a JSON row, in the column's storage form (Prisma's text on SQLite). */
function instantCol(dialect: Dialect, index: number) {
  return dialect === "sqlite" ? `replace(${col(dialect, index)}, 'Z', '+00:00')` : `${col(dialect, index)}::timestamptz AT TIME ZONE 'UTC'`;
}
function instantParam(dialect: Dialect, n: number) {
  return dialect === "sqlite" ? "?" : `$${n}::timestamptz AT TIME ZONE 'UTC'`;
}

interface RollupEvent {
  userId: string;
  featureId: string;
  day: number;
  sessionId: string | null;
  occurredAt: Date;
}

/** Adds newly inserted events to UsageDaily, UserDay, UsageSession and User.lastActiveAt. */
function* addToRollupsPlan(dialect: Dialect, events: readonly RollupEvent[]): Plan<void> {
  const SEP = "\u0000";
  const c = (i: number, cast = "") => col(dialect, i, cast);
  // Sessions: one UsageSession row per (user, day, session, feature) and one with featureId ""
  // for the user-day, so both levels count a session once, whatever the replays and races.
  const sessionKeys = new Set<string>();
  for (const e of events) {
    if (e.sessionId === null) continue;
    sessionKeys.add([e.userId, e.day, e.sessionId, e.featureId].join(SEP));
    sessionKeys.add([e.userId, e.day, e.sessionId, ""].join(SEP));
  }
  const newSessions = new Map<string, number>(); // "user|day|feature" or "user|day|" -> new sessions
  if (sessionKeys.size > 0) {
    const sessionRows = [...sessionKeys].sort().map((k) => {
      const [u, d, s, f] = k.split(SEP);
      return [u, Number(d), s, f];
    });
    const rows: { userId: string; day: number | bigint; featureId: string }[] = yield query(
      `INSERT INTO "UsageSession" ("userId", "day", "sessionId", "featureId")
       SELECT ${c(0)}, ${c(1, "int")}, ${c(2)}, ${c(3)} FROM ${jsonRows(dialect)} WHERE true
       ON CONFLICT ("userId", "day", "sessionId", "featureId") DO NOTHING RETURNING "userId", "day", "featureId"`,
      rowsParam(sessionRows),
    );
    for (const r of rows) {
      const key = [r.userId, Number(r.day), r.featureId].join(SEP);
      newSessions.set(key, (newSessions.get(key) ?? 0) + 1);
    }
  }

  const daily = new Map<string, number>();
  const userDay = new Map<string, number>();
  const lastActive = new Map<string, Date>();
  for (const e of events) {
    const dk = [e.userId, e.day, e.featureId].join(SEP);
    daily.set(dk, (daily.get(dk) ?? 0) + 1);
    const uk = [e.userId, e.day, ""].join(SEP);
    userDay.set(uk, (userDay.get(uk) ?? 0) + 1);
    const seen = lastActive.get(e.userId);
    if (!seen || seen < e.occurredAt) lastActive.set(e.userId, e.occurredAt);
  }

  const dailyRows = [...daily.keys()].sort().map((k) => {
    const [u, d, f] = k.split(SEP);
    return [u, Number(d), f, daily.get(k)!, newSessions.get(k) ?? 0];
  });
  yield execute(
    `INSERT INTO "UsageDaily" ("userId", "day", "featureId", "events", "sessions")
     SELECT ${c(0)}, ${c(1, "int")}, ${c(2)}, ${c(3, "int")}, ${c(4, "int")} FROM ${jsonRows(dialect)} WHERE true
     ON CONFLICT ("userId", "day", "featureId") DO UPDATE SET
       "events" = "UsageDaily"."events" + excluded."events", "sessions" = "UsageDaily"."sessions" + excluded."sessions"`,
    rowsParam(dailyRows),
  );

  const dayRows = [...userDay.keys()].sort().map((k) => {
    const [u, d] = k.split(SEP);
    return [u, Number(d), userDay.get(k)!, newSessions.get(k) ?? 0];
  });
  yield execute(
    `INSERT INTO "UserDay" ("userId", "day", "events", "sessions")
     SELECT ${c(0)}, ${c(1, "int")}, ${c(2, "int")}, ${c(3, "int")} FROM ${jsonRows(dialect)} WHERE true
     ON CONFLICT ("userId", "day") DO UPDATE SET
       "events" = "UserDay"."events" + excluded."events", "sessions" = "UserDay"."sessions" + excluded."sessions"`,
    rowsParam(dayRows),
  );

  yield* advanceLastActivePlan(dialect, lastActive);
}

/** Moves User.lastActiveAt forward (never back) to the latest instant seen per user id. */
export async function advanceLastActive(tx: Sql, dialect: Dialect, latest: ReadonlyMap<string, Date>) {
  await runAsync(tx, advanceLastActivePlan(dialect, latest));
}

function* advanceLastActivePlan(dialect: Dialect, latest: ReadonlyMap<string, Date>): Plan<void> {
  if (latest.size === 0) return;
  const rows = [...latest.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, t]) => [id, t.toISOString()]);
  yield execute(
    `WITH v("id", "t") AS (SELECT ${col(dialect, 0)}, ${instantCol(dialect, 1)} FROM ${jsonRows(dialect)})
     UPDATE "User" SET "lastActiveAt" = v."t" FROM v
     WHERE "User"."id" = v."id" AND ("User"."lastActiveAt" IS NULL OR "User"."lastActiveAt" < v."t")`,
    rowsParam(rows),
  );
}

/** externalId -> User.id, creating unknown people (first seen now). */
export async function ensureUsers(tx: Sql, dialect: Dialect, externalIds: readonly string[], now: Date) {
  return runAsync(tx, ensureUsersPlan(dialect, externalIds, now));
}

function ensureUsersPlan(dialect: Dialect, externalIds: readonly string[], now: Date) {
  const at = instantCol(dialect, 2);
  return ensureKeysPlan(externalIds, now, {
    select: `SELECT "id", "externalId" AS "key" FROM "User" WHERE "externalId" IN (SELECT ${col(dialect, 0)} FROM ${jsonRows(dialect)})`,
    insert: `INSERT INTO "User" ("id", "externalId", "firstSeenAt", "createdAt", "updatedAt")
             SELECT ${col(dialect, 1)}, ${col(dialect, 0)}, ${at}, ${at}, ${at} FROM ${jsonRows(dialect)} WHERE true
             ON CONFLICT ("externalId") DO NOTHING`,
  });
}

/** feature key -> Feature.id, creating unknown features (named after their key, not advanced). */
export async function ensureFeatures(tx: Sql, dialect: Dialect, keys: readonly string[], now: Date) {
  return runAsync(tx, ensureFeaturesPlan(dialect, keys, now));
}

function ensureFeaturesPlan(dialect: Dialect, keys: readonly string[], now: Date) {
  return ensureKeysPlan(keys, now, {
    select: `SELECT "id", "key" FROM "Feature" WHERE "key" IN (SELECT ${col(dialect, 0)} FROM ${jsonRows(dialect)})`,
    insert: `INSERT INTO "Feature" ("id", "key", "name", "createdAt")
             SELECT ${col(dialect, 1)}, ${col(dialect, 0)}, ${col(dialect, 0)}, ${instantCol(dialect, 2)} FROM ${jsonRows(dialect)} WHERE true
             ON CONFLICT ("key") DO NOTHING`,
  });
}

/** Statements over JSON rows [key, newId, nowIso]. */
function* ensureKeysPlan(keys: readonly string[], now: Date, sql: { select: string; insert: string }): Plan<Map<string, string>> {
  const wanted = [...new Set(keys)].sort();
  const ids = new Map<string, string>();
  function* lookup(list: readonly string[]): Plan<void> {
    const rows: { id: string; key: string }[] = yield query(sql.select, rowsParam(list.map((k) => [k])));
    for (const r of rows) ids.set(r.key, r.id);
  }
  // Known keys are the common case: one read, and writes only for the new ones.
  yield* lookup(wanted);
  const missing = wanted.filter((k) => !ids.has(k));
  if (missing.length > 0) {
    const at = now.toISOString();
    yield execute(sql.insert, rowsParam(missing.map((k) => [k, randomUUID(), at])));
    // A concurrent batch may have created some of them first: read back whichever row won.
    yield* lookup(missing);
  }
  return ids;
}
