// Small helpers for set-based raw SQL shared by ingest, import and retention:
// multi-row VALUES lists with bound parameters, chunked under the databases' parameter limits.
import type { Dialect } from "../../db.ts";

/** SQLite allows 32,766 bound parameters a statement, PostgreSQL 65,535; stay well below both. */
export const MAX_PARAMS = 30_000;

/** Rows per statement for `columns` parameters per row. */
export function chunkRows(columns: number) {
  return Math.max(1, Math.floor(MAX_PARAMS / columns));
}

export function* chunks<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/**
 * `(?, ?), (?, ?)` or `($1, $2), ($3, $4)` for `rows` rows of `casts.length` columns.
 * `casts` are PostgreSQL type casts per column ("" for none); SQLite needs none.
 */
export function valuesList(dialect: Dialect, rows: number, casts: readonly string[]): string {
  const parts: string[] = new Array(rows);
  const width = casts.length;
  if (dialect === "sqlite") {
    const row = `(${new Array(width).fill("?").join(", ")})`;
    for (let r = 0; r < rows; r++) parts[r] = row;
  } else {
    for (let r = 0; r < rows; r++) {
      const cells: string[] = new Array(width);
      for (let c = 0; c < width; c++) cells[c] = `$${r * width + c + 1}${casts[c] ? `::${casts[c]}` : ""}`;
      parts[r] = `(${cells.join(", ")})`;
    }
  }
  return parts.join(", ");
}

/** `?, ?, ?` or `$1, $2, $3` for an IN list. */
export function inList(dialect: Dialect, count: number, offset = 0): string {
  if (dialect === "sqlite") return new Array(count).fill("?").join(", ");
  return Array.from({ length: count }, (_, i) => `$${offset + i + 1}`).join(", ");
}

/** A DateTime as the column stores it: the ISO text Prisma writes on SQLite, a Date on PostgreSQL. */
export function dbInstant(dialect: Dialect, instant: Date): string | Date {
  return dialect === "sqlite" ? instant.toISOString().replace("Z", "+00:00") : instant;
}

/** Database errors worth retrying the whole transaction for: deadlocks, serialization, busy files. */
export function isRetryable(error: unknown): boolean {
  const text = String((error as { message?: string })?.message ?? error) + JSON.stringify((error as { meta?: unknown })?.meta ?? "");
  return /40P01|40001|deadlock|could not serialize|SQLITE_BUSY|database is locked/i.test(text);
}

export async function withRetries<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}
