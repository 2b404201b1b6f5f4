// The Prisma client for DATABASE_URL: SQLite (better-sqlite3 adapter, WAL) or PostgreSQL (pg adapter).
// Both generated clients come from one model source, so they share one TypeScript shape.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import BetterSqlite3 from "better-sqlite3";
import { PrismaClient as SqliteClient } from "./gen/sqlite/client.ts";
import { PrismaClient as PostgresClient } from "./gen/postgres/client.ts";
import { openPostgresWriter, type PostgresWriter } from "./postgres-writer.ts";
import { CONNECTION_PRAGMAS, gateTransactions, openWriter, WriteGate, type SqliteWriter } from "./sqlite-writer.ts";

export type Db = SqliteClient;
export type Dialect = "sqlite" | "postgres";
export { Prisma } from "./gen/sqlite/client.ts";
import { Prisma } from "./gen/sqlite/client.ts";

export interface Database {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * A timestamp as raw SQL must compare it. Prisma stores SQLite DateTimes as ISO text with a
 * "+00:00" offset; comparing with toISOString()'s "Z" form misorders equal instants
 * ("+" sorts before "Z"), so raw SQL on SQLite uses Prisma's own form.
 */
export function sqlTime(dialect: Dialect, date: Date): Date | string {
  return dialect === "sqlite" ? date.toISOString().replace("Z", "+00:00") : date;
}

/** A unique index refused the write (Prisma's P2002): usually a concurrent duplicate. */
export function isUniqueViolation(error: unknown) {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

export function isPostgresUrl(url: string) {
  return /^postgres(ql)?:\/\//.test(url);
}

export function sqlitePath(url: string) {
  return resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

export async function openDatabase(url: string): Promise<Database> {
  if (isPostgresUrl(url)) {
    const adapter = new PrismaPg({ connectionString: url, max: 20 });
    const db = new PostgresClient({ adapter }) as unknown as Db;
    await db.$connect();
    const writer = openPostgresWriter(url);
    pgWriters.set(db, writer);
    return {
      db,
      dialect: "postgres",
      close: async () => {
        pgWriters.delete(db);
        await writer.close();
        await db.$disconnect();
      },
    };
  }
  const path = sqlitePath(url);
  mkdirSync(dirname(path), { recursive: true });
  // busy_timeout makes concurrent writers queue instead of failing with SQLITE_BUSY.
  const gate = new WriteGate();
  const adapter = gateTransactions(new PrismaBetterSQLite3({ url: path, timeout: 10_000 }), gate);
  const db = new SqliteClient({ adapter });
  // WAL lets readers run beside the one writer; synchronous=NORMAL is durable across
  // process crashes in WAL mode and only risks the last commits on power loss (see README).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  for (const pragma of CONNECTION_PRAGMAS) await db.$queryRawUnsafe(`PRAGMA ${pragma}`);
  const reader = openReader(db, path);
  const writer = openWriter(path, gate);
  writers.set(db, writer);
  return {
    db,
    dialect: "sqlite",
    close: async () => {
      readers.delete(db);
      writers.delete(db);
      reader?.close();
      writer.close();
      await db.$disconnect();
    },
  };
}

// Hot reads on SQLite (a leaderboard page, the caller's own row) go through a second, read-only
// connection on the same file: with the query compiler every Prisma call, raw ones included, is
// compiled in WebAssembly first (0.4-1.5 ms), several times the statement itself. WAL lets this
// reader see every committed write; it never sees an open transaction's writes, so only reads
// made outside a transaction use it (a transaction client is not registered here).
const readers = new WeakMap<object, { connection: BetterSqlite3.Database; statements: Map<string, BetterSqlite3.Statement> }>();

function openReader(db: Db, path: string) {
  try {
    const connection = new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
    readers.set(db, { connection, statements: new Map() });
    return connection;
  } catch {
    return null; // Prisma answers these reads instead
  }
}

/**
 * A read-only raw query: on the SQLite reader when `db` has one, else through Prisma.
 * Values come back as the driver gives them (ISO text dates, 0/1 booleans, JSON text).
 */
export async function readRaw<T>(db: Db, query: Prisma.Sql): Promise<T[]> {
  const reader = readers.get(db);
  if (!reader) return db.$queryRaw<T[]>(query);
  let statement = reader.statements.get(query.sql);
  if (!statement) {
    if (reader.statements.size > 500) reader.statements.clear();
    statement = reader.connection.prepare(query.sql);
    reader.statements.set(query.sql, statement);
  }
  const values = query.values.map((v: unknown) => (v instanceof Date ? sqlTime("sqlite", v) : typeof v === "boolean" ? (v ? 1 : 0) : v));
  return statement.all(...values) as T[];
}

const writers = new WeakMap<object, SqliteWriter>();

/**
 * The raw write connection beside a SQLite client (undefined on PostgreSQL): for hot write paths
 * that run a whole transaction synchronously (see sqlite-writer.ts). Not for use inside a Prisma
 * transaction: it waits for that transaction to end.
 */
export function sqliteWriter(db: Db): SqliteWriter | undefined {
  return writers.get(db);
}

const pgWriters = new WeakMap<object, PostgresWriter>();

/** The pg pool beside a PostgreSQL client (undefined on SQLite), for hot write paths (see postgres-writer.ts). */
export function postgresWriter(db: Db): PostgresWriter | undefined {
  return pgWriters.get(db);
}
