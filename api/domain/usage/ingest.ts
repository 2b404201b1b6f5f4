// Usage ingest: checked events written set-based in one transaction, with the rollups
// (UsageDaily, UserDay, UsageSession, User.lastActiveAt) kept current in the same transaction.
//
// Exactness under replays and concurrency rests on one rule: a rollup only counts what this
// transaction's INSERT ... ON CONFLICT DO NOTHING RETURNING actually inserted. A concurrent
// transaction inserting the same eventId (or session) waits on the unique key and then inserts
// nothing, so it counts nothing. Keys are written in sorted order so overlapping batches on
// PostgreSQL take their locks in the same order (deadlocks are retried anyway).
import { randomUUID } from "node:crypto";
import type { Db, Dialect } from "../../db.ts";
import type { Caller } from "../../context.ts";
import { recordAudit } from "../audit.ts";
import { checkEvents, type UsageEvent, type UsageEventInput } from "./events.ts";
import { chunkRows, chunks, dbInstant, inList, valuesList, withRetries } from "./sql.ts";

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
export type Sql = Pick<Db, "$queryRawUnsafe" | "$executeRawUnsafe">;
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Bigger batches than the API's 5,000 (the CLI) would hold a write lock too long. */
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

  return withRetries(() =>
    db.$transaction(async (tx: Tx) => {
      const accepted = await writeEvents(tx, dialect, unique, now);
      const result = { accepted, duplicates: events.length - accepted };
      if (options.audit) {
        await recordAudit(tx, options.audit.caller, options.audit.requestId, {
          action: "usage.ingest",
          targetType: "UsageEvent",
          after: { events: events.length, ...result },
        });
      }
      return result;
    }, TRANSACTION_OPTIONS),
  );
}

/** The writes of one batch (distinct eventIds, sorted), inside the caller's transaction. */
export async function writeEvents(tx: Sql, dialect: Dialect, events: readonly UsageEvent[], now: Date): Promise<number> {
  const userIds = await ensureUsers(tx, dialect, events.map((e) => e.userId), now);
  const featureIds = await ensureFeatures(tx, dialect, events.map((e) => e.feature), now);
  const received = dbInstant(dialect, now);

  const inserted = new Set<string>();
  const width = 8;
  for (const chunk of chunks(events, chunkRows(width))) {
    const params: unknown[] = new Array(chunk.length * width);
    let p = 0;
    for (const e of chunk) {
      params[p++] = e.eventId;
      params[p++] = userIds.get(e.userId);
      params[p++] = featureIds.get(e.feature);
      params[p++] = dbInstant(dialect, e.occurredAt);
      params[p++] = e.day;
      params[p++] = e.sessionId;
      params[p++] = e.properties;
      params[p++] = received;
    }
    const rows = await tx.$queryRawUnsafe<{ eventId: string }[]>(
      `INSERT INTO "UsageEvent" ("eventId", "userId", "featureId", "occurredAt", "day", "sessionId", "properties", "receivedAt")
       VALUES ${valuesList(dialect, chunk.length, ["", "", "", "timestamp(3)", "int", "", "jsonb", "timestamp(3)"])}
       ON CONFLICT ("eventId") DO NOTHING RETURNING "eventId"`,
      ...params,
    );
    for (const r of rows) inserted.add(r.eventId);
  }
  if (inserted.size === 0) return 0;

  const fresh = events
    .filter((e) => inserted.has(e.eventId))
    .map((e) => ({ userId: userIds.get(e.userId)!, featureId: featureIds.get(e.feature)!, day: e.day, sessionId: e.sessionId, occurredAt: e.occurredAt }));
  await addToRollups(tx, dialect, fresh);
  return inserted.size;
}

export interface RollupEvent {
  userId: string;
  featureId: string;
  day: number;
  sessionId: string | null;
  occurredAt: Date;
}

/** Adds newly inserted events to UsageDaily, UserDay, UsageSession and User.lastActiveAt. */
async function addToRollups(tx: Sql, dialect: Dialect, events: readonly RollupEvent[]) {
  const SEP = "\u0000";
  // Sessions: one UsageSession row per (user, day, session, feature) and one with featureId ""
  // for the user-day, so both levels count a session once, whatever the replays and races.
  const sessionKeys = new Set<string>();
  for (const e of events) {
    if (e.sessionId === null) continue;
    sessionKeys.add([e.userId, e.day, e.sessionId, e.featureId].join(SEP));
    sessionKeys.add([e.userId, e.day, e.sessionId, ""].join(SEP));
  }
  const newSessions = new Map<string, number>(); // "user|day|feature" or "user|day|" -> new sessions
  const sessionRows = [...sessionKeys].sort().map((k) => k.split(SEP));
  for (const chunk of chunks(sessionRows, chunkRows(4))) {
    const params = chunk.flatMap(([u, d, s, f]) => [u, Number(d), s, f]);
    const rows = await tx.$queryRawUnsafe<{ userId: string; day: number | bigint; featureId: string }[]>(
      `INSERT INTO "UsageSession" ("userId", "day", "sessionId", "featureId")
       VALUES ${valuesList(dialect, chunk.length, ["", "int", "", ""])}
       ON CONFLICT ("userId", "day", "sessionId", "featureId") DO NOTHING RETURNING "userId", "day", "featureId"`,
      ...params,
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
  for (const chunk of chunks(dailyRows, chunkRows(5))) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "UsageDaily" ("userId", "day", "featureId", "events", "sessions")
       VALUES ${valuesList(dialect, chunk.length, ["", "int", "", "int", "int"])}
       ON CONFLICT ("userId", "day", "featureId") DO UPDATE SET
         "events" = "UsageDaily"."events" + excluded."events", "sessions" = "UsageDaily"."sessions" + excluded."sessions"`,
      ...chunk.flat(),
    );
  }

  const dayRows = [...userDay.keys()].sort().map((k) => {
    const [u, d] = k.split(SEP);
    return [u, Number(d), userDay.get(k)!, newSessions.get(k) ?? 0];
  });
  for (const chunk of chunks(dayRows, chunkRows(4))) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "UserDay" ("userId", "day", "events", "sessions")
       VALUES ${valuesList(dialect, chunk.length, ["", "int", "int", "int"])}
       ON CONFLICT ("userId", "day") DO UPDATE SET
         "events" = "UserDay"."events" + excluded."events", "sessions" = "UserDay"."sessions" + excluded."sessions"`,
      ...chunk.flat(),
    );
  }

  await advanceLastActive(tx, dialect, lastActive);
}

/** Moves User.lastActiveAt forward (never back) to the latest instant seen per user id. */
export async function advanceLastActive(tx: Sql, dialect: Dialect, latest: ReadonlyMap<string, Date>) {
  const rows = [...latest.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const chunk of chunks(rows, chunkRows(2))) {
    await tx.$executeRawUnsafe(
      `WITH v("id", "t") AS (VALUES ${valuesList(dialect, chunk.length, ["", "timestamp(3)"])})
       UPDATE "User" SET "lastActiveAt" = v."t" FROM v
       WHERE "User"."id" = v."id" AND ("User"."lastActiveAt" IS NULL OR "User"."lastActiveAt" < v."t")`,
      ...chunk.flatMap(([id, t]) => [id, dbInstant(dialect, t)]),
    );
  }
}

/** externalId -> User.id, creating unknown people (first seen now). */
export async function ensureUsers(tx: Sql, dialect: Dialect, externalIds: readonly string[], now: Date) {
  return ensureKeys(tx, dialect, externalIds, {
    select: (list) => `SELECT "id", "externalId" AS "key" FROM "User" WHERE "externalId" IN (${list})`,
    insert: (values) =>
      `INSERT INTO "User" ("id", "externalId", "firstSeenAt", "createdAt", "updatedAt") VALUES ${values} ON CONFLICT ("externalId") DO NOTHING`,
    casts: ["", "", "timestamp(3)", "timestamp(3)", "timestamp(3)"],
    row: (key, at) => [randomUUID(), key, at, at, at],
    now,
  });
}

/** feature key -> Feature.id, creating unknown features (named after their key, not advanced). */
export async function ensureFeatures(tx: Sql, dialect: Dialect, keys: readonly string[], now: Date) {
  return ensureKeys(tx, dialect, keys, {
    select: (list) => `SELECT "id", "key" FROM "Feature" WHERE "key" IN (${list})`,
    insert: (values) => `INSERT INTO "Feature" ("id", "key", "name", "createdAt") VALUES ${values} ON CONFLICT ("key") DO NOTHING`,
    casts: ["", "", "", "timestamp(3)"],
    row: (key, at) => [randomUUID(), key, key, at],
    now,
  });
}

interface KeySpec {
  select(list: string): string;
  insert(values: string): string;
  casts: string[];
  row(key: string, at: unknown): unknown[];
  now: Date;
}

async function ensureKeys(tx: Sql, dialect: Dialect, keys: readonly string[], spec: KeySpec) {
  const wanted = [...new Set(keys)].sort();
  const ids = new Map<string, string>();
  const lookup = async (list: readonly string[]) => {
    for (const chunk of chunks(list, chunkRows(1))) {
      const rows = await tx.$queryRawUnsafe<{ id: string; key: string }[]>(spec.select(inList(dialect, chunk.length)), ...chunk);
      for (const r of rows) ids.set(r.key, r.id);
    }
  };
  // Known keys are the common case: one read, and writes only for the new ones.
  await lookup(wanted);
  const missing = wanted.filter((k) => !ids.has(k));
  if (missing.length > 0) {
    const at = dbInstant(dialect, spec.now);
    for (const chunk of chunks(missing, chunkRows(spec.casts.length))) {
      await tx.$executeRawUnsafe(spec.insert(valuesList(dialect, chunk.length, spec.casts)), ...chunk.flatMap((k) => spec.row(k, at)));
    }
    // A concurrent batch may have created some of them first: read back whichever row won.
    await lookup(missing);
  }
  return ids;
}
