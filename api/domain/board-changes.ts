// A counter per database that moves whenever something a leaderboard shows may have changed
// (points, names, opt-outs, erasure, memberships, programs, titles). The board response cache
// (api/cache/board-cache.ts) drops its entries when it moves. Call it after the write commits:
// a read that starts before the commit and finishes after it would otherwise cache the old board.
import type { Db } from "../db.ts";

const generations = new WeakMap<object, number>();

/** After commit: boards read from `db` may show something else now. `db` is the root client, never a transaction's. */
export function boardsChanged(db: Db) {
  generations.set(db, (generations.get(db) ?? 0) + 1);
}

export function boardGeneration(db: Db): number {
  return generations.get(db) ?? 0;
}
