// A small pg pool beside Prisma's for hot write paths on PostgreSQL (usage ingest).
//
// Why: with the query compiler every Prisma call, raw SQL included, is compiled in WebAssembly
// together with its parameters; a 5,000-event batch travels as ~1 MB of JSON parameters, and
// compiling them cost more than PostgreSQL took to run the statements. On this pool the same
// statements go to the server as they are. PostgreSQL itself keeps concurrent batches apart
// (row locks on the unique keys, taken in sorted order), so unlike SQLite no gate is needed.
import pg from "pg";

export interface PostgresWriter {
  /** Runs `write` inside BEGIN ... COMMIT on one pooled connection (ROLLBACK if it throws). */
  transaction<T>(write: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function openPostgresWriter(connectionString: string, connections = 4): PostgresWriter {
  const pool = new pg.Pool({ connectionString, max: connections });
  return {
    async transaction(write) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await write(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
