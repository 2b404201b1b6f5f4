// A response cache for leaderboard reads: a board on a wall screen or an intranet page is polled
// by many viewers, and answering them from memory costs a small fraction of running the query.
//
// - Only queries that read nothing but boards are cached (api/cache/cacheable.ts).
// - Keyed by what the caller may see: anonymous callers share entries, admins share theirs
//   (they see opted-out names), API keys share by scope set, and each member has their own
//   (myPosition and their own name are theirs alone).
// - Dropped whenever a board may have changed: after every mutation except those listed below
//   as unable to touch one, and after the jobs that award titles (boardsChanged). Unknown
//   writers (another replica, a script on the database) are bounded by the TTL.
// - An entry never outlives the next UTC midnight, where every period board (WEEK, MONTH,
//   QUARTER, YEAR) may roll over.
// It answers in onParams, after the security plugin has resolved the caller, counted the request
// against the rate limit and checked trusted documents; a hit skips parsing, validation, context
// and execution. Only error-free results of a read that saw no change while it ran are stored.
import { Kind, getOperationAST, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Caller, Services } from "../context.ts";
import { boardGeneration, boardsChanged } from "../domain/board-changes.ts";
import { requestState } from "../security/request-state.ts";
import { cacheableOperations } from "./cacheable.ts";

/** Mutations that cannot change anything a board shows, and run often enough that dropping the cache for them would empty it. */
const LEAVES_BOARDS_ALONE = new Set(["ingestUsage", "submitFeedback", "markNotificationsRead"]);

const MAX_ENTRIES = 1000;

/** A result carrying its own serialisation: yoga's result processors call a result's `stringify` when it has one. */
type Stored = ExecutionResult & { stringify: (result: unknown) => string };

/** What this caller is allowed to see on a board, as a cache key prefix. */
function visibility(caller: Caller): string {
  switch (caller.kind) {
    case "admin":
      return "admin";
    case "integrator":
      return `key:${[...caller.scopes].sort().join(",")}`;
    case "member":
      return `member:${caller.externalId}`;
    case "anonymous":
      return "anonymous";
  }
}

function nextUtcMidnight(now: number) {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

export function boardCachePlugin(services: Services, schema: GraphQLSchema): Plugin {
  const { db } = services;
  const ttl = services.config.leaderboardCacheTtlMs;
  if (ttl <= 0) return {};
  const isCacheable = cacheableOperations(schema);
  const entries = new Map<string, { result: Stored; expiresAt: number }>();
  let generation = boardGeneration(db);
  const misses = new WeakMap<Request, { key: string; generation: number }>();

  return {
    async onParams({ params, request, setResult }) {
      if (!params.query || !isCacheable(params.query, params.operationName)) return;
      const state = requestState(request);
      if (!state) return;
      let caller: Caller;
      try {
        caller = await state.caller;
      } catch {
        return; // a refused token gets its 401 from the context, never a cached board
      }
      const current = boardGeneration(db);
      if (current !== generation) {
        entries.clear();
        generation = current;
      }
      const key = `${visibility(caller)}\n${params.operationName ?? ""}\n${params.query}\n${JSON.stringify(params.variables ?? {})}`;
      const hit = entries.get(key);
      const now = Date.now();
      if (hit && hit.expiresAt > now) {
        state.cacheHit = true;
        setResult(hit.result);
        return;
      }
      if (hit) entries.delete(key);
      misses.set(request, { key, generation: current });
    },

    onExecutionResult({ request, result }) {
      const miss = misses.get(request);
      if (!miss) return;
      misses.delete(request);
      // A board changed while this read ran: its result may be the old board.
      if (!result || boardGeneration(db) !== miss.generation || Array.isArray(result) || Symbol.asyncIterator in result) return;
      if ((result as ExecutionResult).errors?.length) return;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      const now = Date.now();
      // Serialised once: yoga's result processors use a result's own `stringify` when it has one.
      const body = JSON.stringify(result);
      const stored: Stored = { ...(result as ExecutionResult), stringify: () => body };
      entries.set(miss.key, { result: stored, expiresAt: Math.min(now + ttl, nextUtcMidnight(now)) });
    },

    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== "mutation") return;
      const harmless = operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && LEAVES_BOARDS_ALONE.has(s.name.value));
      if (harmless) return;
      // After the mutation's resolvers have returned, so after their transactions committed.
      return { onExecuteDone: () => boardsChanged(db) };
    },
  };
}
