// A raw write connection for hot SQLite write paths (usage ingest), beside Prisma's own.
//
// Why: with the query compiler every Prisma call, raw SQL included, is compiled in WebAssembly
// with its parameters first; a 5,000-event batch travels as ~1 MB of JSON parameters, and its
// compilation cost about as much as the statements. On this connection the same statements are
// prepared once and run synchronously, a whole batch between BEGIN IMMEDIATE and COMMIT with no
// await inside, so nothing in this process can interleave with it.
//
// Two writers in one process must not overlap: a Prisma interactive transaction that has read,
// then awaits, then writes would fail (SQLITE_BUSY_SNAPSHOT) if this connection committed in
// between. So both share one WriteGate: Prisma's adapter is wrapped so that a transaction holds
// the gate from start to commit or rollback, and a raw write waits for it. Other processes (the
// import CLI) are kept out by SQLite's own lock: BEGIN IMMEDIATE fails at once with SQLITE_BUSY
// (busy_timeout 0, so the event loop never blocks) and callers retry after a pause.
import BetterSqlite3 from "better-sqlite3";
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

/** A FIFO lock: acquire() resolves with the function that releases it. */
export class WriteGate {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      let released = false;
      release = () => {
        if (!released) (released = true), resolve();
      };
    });
    return previous.then(() => release);
  }
}

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/** Prisma's SQLite adapter factory, with every interactive transaction holding `gate`. */
export function gateTransactions(factory: PrismaBetterSQLite3, gate: WriteGate) {
  const gated = (adapter: Adapter): Adapter => {
    const startTransaction: Adapter["startTransaction"] = async (isolationLevel) => {
      const release = await gate.acquire();
      try {
        const tx = await adapter.startTransaction(isolationLevel);
        const ending = (end: () => Promise<void>) => async () => {
          try {
            await end();
          } finally {
            release();
          }
        };
        return override(tx, { commit: ending(() => tx.commit()), rollback: ending(() => tx.rollback()) });
      } catch (error) {
        release();
        throw error;
      }
    };
    return override(adapter, { startTransaction });
  };
  return {
    provider: "sqlite" as const,
    adapterName: factory.adapterName,
    connect: async () => gated(await factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

/** `target` with some methods replaced; the others stay bound to it (the adapter uses private fields). */
function override<T extends Adapter | Transaction>(target: T, methods: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(methods, property)) return methods[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

export interface SqliteWriter {
  /** Runs `write` synchronously in one IMMEDIATE transaction, after every other writer in this process. */
  transaction<T>(write: (connection: BetterSqlite3.Database) => T): Promise<T>;
  close(): void;
}

export function openWriter(path: string, gate: WriteGate): SqliteWriter {
  const connection = new BetterSqlite3(path, { fileMustExist: true, timeout: 0 });
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON");
  for (const pragma of CONNECTION_PRAGMAS) connection.pragma(pragma);
  return {
    async transaction(write) {
      const release = await gate.acquire();
      try {
        connection.exec("BEGIN IMMEDIATE");
        try {
          const result = write(connection);
          connection.exec("COMMIT");
          return result;
        } catch (error) {
          if (connection.inTransaction) connection.exec("ROLLBACK");
          throw error;
        }
      } finally {
        release();
      }
    },
    close: () => connection.close(),
  };
}

/**
 * Set on every SQLite connection that writes (Prisma's and the raw writer):
 * - a 64 MiB page cache instead of 2 MiB, so a batch's index pages stay in memory between
 *   batches (only what is used is allocated);
 * - a checkpoint once the WAL holds 16,384 pages (64 MiB at 4 KiB) instead of 1,000: a batch of
 *   5,000 events dirties thousands of index pages, so the default copied the WAL back into the
 *   database after every batch; less often, a page changed by several batches is copied once
 *   (measured: +14% ingest throughput). The cost is a WAL file of up to ~64 MiB on disk.
 */
export const CONNECTION_PRAGMAS = ["cache_size = -65536", "wal_autocheckpoint = 16384"];
