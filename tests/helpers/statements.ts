// Counts the statements the SQLite driver prepares. Prisma's adapter prepares one per query it
// runs, so the count shows how many queries a request cost (N+1 checks, bench/nested.ts).
import BetterSqlite3 from "better-sqlite3";

export function countStatements() {
  const proto = (BetterSqlite3 as unknown as { prototype: { prepare: (...a: unknown[]) => unknown } }).prototype;
  const original = proto.prepare;
  let count = 0;
  proto.prepare = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return { read: () => count, reset: () => (count = 0), restore: () => (proto.prepare = original) };
}
