// Bulk import of usage history from files (NDJSON or CSV): raw events, or daily rollups from a
// warehouse. Resumable: after each committed batch a checkpoint file next to the input records
// how many records (and up to which line) are in; a rerun skips them. Idempotent anyway: events
// by eventId, rollup rows by (user, day, feature), whose values replace what was there.
import { createReadStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import type { Db, Dialect } from "../../db.ts";
import { parseIsoDate, startOfDay } from "../days.ts";
import { checkEvents, checkId, UsageBatchError, type UsageEventInput, type UsageIssue } from "./events.ts";
import { ingestCheckedEvents, ensureFeatures, ensureUsers, advanceLastActive, TRANSACTION_OPTIONS, type Sql } from "./ingest.ts";
import { col, jsonRows, rowsParam, withRetries } from "./sql.ts";

export type ImportKind = "usage" | "rollups";

export interface ImportOptions {
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?(progress: ImportProgress): void;
  /** Stop after this many batches (tests simulate an interruption with it). */
  maxBatches?: number;
  now?: Date;
}

export interface ImportProgress {
  records: number;
  line: number;
  bytes: number;
  totalBytes: number;
  accepted: number;
  duplicates: number;
}

export interface ImportResult extends ImportProgress {
  /** Records skipped because an earlier run had committed them. */
  resumedFrom: number;
  complete: boolean;
}

export class ImportError extends Error {
  constructor(readonly issues: { line: number; field: string; reason: string }[]) {
    super(
      "refused, nothing from this batch was written (fix the lines and rerun; committed batches are skipped):\n" +
        issues
          .slice(0, 20)
          .map((i) => `  line ${i.line}: ${i.field} ${i.reason}`)
          .join("\n") +
        (issues.length > 20 ? `\n  ... and ${issues.length - 20} more` : ""),
    );
  }
}

export function checkpointPath(file: string) {
  return `${file}.checkpoint`;
}

interface Checkpoint {
  kind: ImportKind;
  records: number;
  line: number;
  size: number;
}

function readCheckpoint(file: string, kind: ImportKind): Checkpoint | null {
  const path = checkpointPath(file);
  if (!existsSync(path)) return null;
  const saved = JSON.parse(readFileSync(path, "utf8")) as Checkpoint;
  if (saved.kind !== kind) throw new Error(`${path} belongs to a "${saved.kind}" import; delete it to start over`);
  return saved;
}

type Row = Record<string, unknown>;

/** Records of a file with their line numbers and the bytes read so far. */
async function* records(file: string): AsyncGenerator<{ row: Row; line: number; bytes: number }> {
  const stream = createReadStream(file);
  let bytes = 0;
  stream.on("data", (chunk) => (bytes += chunk.length));
  if (/\.csv$/i.test(file)) {
    const parser = stream.pipe(parse({ columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: Row; info: { lines: number } }>) {
      yield { row: record, line: info.lines, bytes };
    }
    return;
  }
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let row: Row;
    try {
      row = JSON.parse(text) as Row;
    } catch {
      throw new ImportError([{ line, field: "line", reason: "is not valid JSON" }]);
    }
    yield { row, line, bytes };
  }
}

export async function importFile(db: Db, dialect: Dialect, kind: ImportKind, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const batchSize = options.batchSize ?? 5_000;
  const totalBytes = statSync(file).size;
  const checkpoint = readCheckpoint(file, kind);
  const skip = checkpoint?.records ?? 0;
  const progress: ImportProgress = { records: skip, line: checkpoint?.line ?? 0, bytes: 0, totalBytes, accepted: 0, duplicates: 0 };
  let batches = 0;
  let seen = 0;
  let batch: { row: Row; line: number }[] = [];

  const commit = async (bytes: number) => {
    if (batch.length === 0) return;
    const result = kind === "usage" ? await commitEvents(db, dialect, batch, options.now) : await commitRollups(db, dialect, batch, options.now);
    progress.accepted += result.accepted;
    progress.duplicates += result.duplicates;
    progress.records += batch.length;
    progress.line = batch[batch.length - 1]!.line;
    progress.bytes = bytes;
    batch = [];
    batches++;
    const saved: Checkpoint = { kind, records: progress.records, line: progress.line, size: totalBytes };
    writeFileSync(checkpointPath(file), JSON.stringify(saved) + "\n");
    options.onProgress?.({ ...progress });
  };

  for await (const { row, line, bytes } of records(file)) {
    if (++seen <= skip) continue;
    batch.push({ row, line });
    if (batch.length >= batchSize) {
      await commit(bytes);
      if (options.maxBatches && batches >= options.maxBatches) return { ...progress, resumedFrom: skip, complete: false };
    }
  }
  await commit(totalBytes);
  progress.bytes = totalBytes;
  // Done: the checkpoint would only make a rerun skip everything, which idempotency makes harmless
  // anyway; removing it lets the same path be reused for a new file.
  rmSync(checkpointPath(file), { force: true });
  return { ...progress, resumedFrom: skip, complete: true };
}

function byLine(batch: { line: number }[], issues: UsageIssue[]) {
  return new ImportError(issues.map((i) => ({ line: batch[i.index]?.line ?? 0, field: i.field, reason: i.reason })));
}

async function commitEvents(db: Db, dialect: Dialect, batch: { row: Row; line: number }[], now = new Date()) {
  const inputs: UsageEventInput[] = batch.map(({ row }) => ({
    userId: row.userId as string,
    feature: row.feature as string,
    occurredAt: row.occurredAt as string,
    eventId: row.eventId as string,
    sessionId: (row.sessionId as string) || null,
    properties: typeof row.properties === "string" && row.properties !== "" ? safeJson(row.properties) : row.properties,
  }));
  try {
    const events = checkEvents(inputs, now, Number.MAX_SAFE_INTEGER);
    return await ingestCheckedEvents(db, dialect, events, { now });
  } catch (error) {
    if (error instanceof UsageBatchError) throw byLine(batch, error.issues);
    throw error;
  }
}

function safeJson(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface RollupRow {
  userId: string;
  day: number;
  feature: string;
  events: number;
  sessions: number;
}

function checkRollups(batch: { row: Row; line: number }[]): RollupRow[] {
  const issues: UsageIssue[] = [];
  const rows: RollupRow[] = [];
  const count = (value: unknown, field: string, index: number) => {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 2_000_000_000) {
      issues.push({ index, field, reason: "must be a whole number from 0" });
      return 0;
    }
    return n;
  };
  batch.forEach(({ row }, index) => {
    const before = issues.length;
    const userId = checkId(row.userId, "userId", index, issues, false);
    const feature = checkId(row.feature, "feature", index, issues);
    const day = typeof row.day === "string" ? parseIsoDate(row.day) : null;
    if (day === null) issues.push({ index, field: "day", reason: "must be a calendar day written YYYY-MM-DD" });
    const events = count(row.events, "events", index);
    const sessions = count(row.sessions ?? 0, "sessions", index);
    if (issues.length === before) rows.push({ userId: userId!, feature: feature!, day: day!, events, sessions });
  });
  if (issues.length > 0) throw byLine(batch, issues);
  return rows;
}

/**
 * Rollup rows replace the (user, day, feature) row, so a rerun changes nothing. The touched
 * user-days are then recomputed from UsageDaily: events are the sum over features, sessions
 * the largest per-feature count (a lower bound: per-feature rows cannot tell shared sessions apart).
 */
async function commitRollups(db: Db, dialect: Dialect, batch: { row: Row; line: number }[], now = new Date()) {
  const rows = checkRollups(batch);
  return withRetries(() =>
    db.$transaction(async (tx: Sql) => {
      const users = await ensureUsers(tx, dialect, rows.map((r) => r.userId), now);
      const features = await ensureFeatures(tx, dialect, rows.map((r) => r.feature), now);
      // The last row for a key wins, as a file read top to bottom would.
      const byKey = new Map<string, unknown[]>();
      for (const r of rows) {
        const u = users.get(r.userId)!;
        const f = features.get(r.feature)!;
        byKey.set(`${u}\u0000${r.day}\u0000${f}`, [u, r.day, f, r.events, r.sessions]);
      }
      const daily = [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, v]) => v);
      const c = (i: number, cast = "") => col(dialect, i, cast);
      await tx.$executeRawUnsafe(
        `INSERT INTO "UsageDaily" ("userId", "day", "featureId", "events", "sessions")
         SELECT ${c(0)}, ${c(1, "int")}, ${c(2)}, ${c(3, "int")}, ${c(4, "int")} FROM ${jsonRows(dialect)} WHERE true
         ON CONFLICT ("userId", "day", "featureId") DO UPDATE SET "events" = excluded."events", "sessions" = excluded."sessions"`,
        rowsParam(daily),
      );
      const userDays = [...new Set(daily.map((r) => `${r[0]}\u0000${r[1]}`))].sort().map((k) => {
        const [u, d] = k.split("\u0000");
        return [u!, Number(d)] as [string, number];
      });
      const latest = new Map<string, Date>();
      for (const [u, d] of userDays) {
        const at = startOfDay(d);
        if (!latest.has(u) || latest.get(u)! < at) latest.set(u, at);
      }
      await tx.$executeRawUnsafe(
        `WITH v("userId", "day") AS (SELECT ${c(0)}, ${c(1, "int")} FROM ${jsonRows(dialect)})
         INSERT INTO "UserDay" ("userId", "day", "events", "sessions")
         SELECT d."userId", d."day", SUM(d."events"), MAX(d."sessions")
         FROM "UsageDaily" d JOIN v ON v."userId" = d."userId" AND v."day" = d."day" WHERE true
         GROUP BY d."userId", d."day"
         ON CONFLICT ("userId", "day") DO UPDATE SET "events" = excluded."events", "sessions" = excluded."sessions"`,
        rowsParam(userDays),
      );
      await advanceLastActive(tx, dialect, latest);
      return { accepted: rows.length, duplicates: 0 };
    }, TRANSACTION_OPTIONS),
  );
}
