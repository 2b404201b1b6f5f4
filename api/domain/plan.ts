// Statement plans: a write path written once as a generator of SQL steps, run either through
// Prisma (async, any dialect) or through a synchronous better-sqlite3 connection.
//
// Why: on SQLite, Prisma's per-statement overhead (its engine, the async hop per statement,
// the conversion of RETURNING rows) cost about as much as the statements themselves in a batch of
// 5,000 events. Run synchronously on one connection, a whole batch is one uninterrupted
// BEGIN IMMEDIATE ... COMMIT with no await inside, so no other request's statement can interleave.
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import { postgresWriter, sqliteWriter, type Db } from "../db.ts";

export interface Step {
  sql: string;
  args: unknown[];
  /** true: the rows (SELECT or RETURNING); false: the number of rows changed. */
  rows: boolean;
}

/** A generator of steps; each `yield` receives the step's rows or change count. */
export type Plan<T> = Generator<Step, T, any>;

export const query = (sql: string, ...args: unknown[]): Step => ({ sql, args, rows: true });
export const execute = (sql: string, ...args: unknown[]): Step => ({ sql, args, rows: false });

export type Sql = Pick<Db, "$queryRawUnsafe" | "$executeRawUnsafe">;

export async function runAsync<T>(tx: Sql, plan: Plan<T>): Promise<T> {
  let step = plan.next();
  while (!step.done) {
    const { sql, args, rows } = step.value;
    step = plan.next(rows ? await tx.$queryRawUnsafe(sql, ...args) : await tx.$executeRawUnsafe(sql, ...args));
  }
  return step.value;
}

/** Runs the plan on a pg connection (the caller owns the transaction): statements and parameters as written. */
export async function runPg<T>(client: pg.PoolClient, plan: Plan<T>): Promise<T> {
  let step = plan.next();
  while (!step.done) {
    const { sql, args, rows } = step.value;
    const result = await client.query(sql, args);
    step = plan.next(rows ? result.rows : (result.rowCount ?? 0));
  }
  return step.value;
}

/** Runs the plan on `conn` synchronously (the caller owns the transaction); statements are cached on the connection. */
export function runSync<T>(conn: BetterSqlite3.Database, plan: Plan<T>): T {
  let step = plan.next();
  while (!step.done) {
    const { sql, args, rows } = step.value;
    const statement = prepared(conn, sql);
    step = plan.next(rows ? statement.all(...args) : statement.run(...args).changes);
  }
  return step.value;
}

const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
function prepared(conn: BetterSqlite3.Database, sql: string) {
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = conn.prepare(sql)));
  return statement;
}

/**
 * Runs a plan as one transaction on the database's raw writer: synchronously on SQLite
 * (sqlite-writer.ts), on the pg pool on PostgreSQL (postgres-writer.ts); through Prisma for a
 * client that has neither. `plan` is called once per attempt.
 */
export function runInTransaction<T>(db: Db, plan: () => Plan<T>): Promise<T> {
  const sqlite = sqliteWriter(db);
  if (sqlite) return sqlite.transaction((connection) => runSync(connection, plan()));
  const pool = postgresWriter(db);
  if (pool) return pool.transaction((client) => runPg(client, plan()));
  return db.$transaction((tx) => runAsync(tx, plan()), { timeout: 120_000, maxWait: 60_000 });
}
