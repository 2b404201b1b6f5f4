// A response cache for leaderboard reads: a board on a wall screen or an intranet page is polled
// by many viewers, and answering them from memory costs a small fraction of running the query.
//
// - Only queries that read nothing but boards are cached (api/cache/cacheable.ts).
// - Keyed by what the caller may see: anonymous callers share entries, admins share theirs
//   (they see opted-out names), API keys share by scope set, and each member has their own
//   (myPosition and their own name are theirs alone); then by the request itself (POST body or
//   GET query string) and its Accept header.
// - Dropped whenever a board may have changed: after every mutation except those listed below
//   as unable to touch one, and after the jobs that award titles (boardsChanged). Unknown
//   writers (another replica, a script on the database) are bounded by the TTL.
// - An entry never outlives the next UTC midnight, where every period board (WEEK, MONTH,
//   QUARTER, YEAR) may roll over.
//
// A hit is answered in onRequestParse, before yoga parses the body: after the security plugin's
// onRequest (caller, rate limit) and with its onResponse (request id, log line) and CORS still
// applied, skipping parsing, validation, context, execution and serialisation (a third of the
// time of answering from onParams). It replays the response an identical request from a caller
// with the same visibility received, and only a 200 that went through every check (trusted
// documents, query limits, Unicode), so skipping those checks cannot change the answer: they
// depend on nothing but the request's text and the caller's kind.
import { Kind, getOperationAST, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Caller, Services } from "../context.ts";
import { boardGeneration, boardsChanged } from "../domain/board-changes.ts";
import { requestState } from "../security/request-state.ts";
import { cacheableOperations } from "./cacheable.ts";

/** Mutations that cannot change anything a board shows, and run often enough that dropping the cache for them would empty it. */
const LEAVES_BOARDS_ALONE = new Set(["ingestUsage", "submitFeedback", "markNotificationsRead"]);

const MAX_ENTRIES = 1000;
/** Board queries are a few hundred bytes; a larger (or unsized, chunked) body is not read twice. */
const MAX_BODY_BYTES = 16 * 1024;
const JSON_TYPES = /^application\/(graphql-response\+)?json\b/;

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

/** The request as the cache tells requests apart: GET by its query string, POST (JSON) by its body. */
async function requestText(request: Request, url: URL): Promise<string | null> {
  if (request.method === "GET") return `GET ${url.search}`;
  if (request.method !== "POST" || !/^application\/json\b/.test(request.headers.get("content-type") ?? "")) return null;
  const length = Number(request.headers.get("content-length"));
  if (!length || length > MAX_BODY_BYTES) return null;
  // A copy: on a miss yoga reads the body itself, with its own parser and errors.
  return `POST ${await request.clone().text()}`;
}

interface Pending {
  key: string;
  generation: number;
  /** Set once onParams has seen a board-only query. */
  cacheable?: boolean;
  /** The serialised result, once execution produced one without errors. */
  body?: string;
  /** For the request log line of later hits (the security plugin names it from the parsed params). */
  operationName?: string | null;
}

export function boardCachePlugin(services: Services, schema: GraphQLSchema): Plugin {
  const { db } = services;
  const ttl = services.config.leaderboardCacheTtlMs;
  if (ttl <= 0) return {};
  const isCacheable = cacheableOperations(schema);
  const entries = new Map<string, { body: string; contentType: string; operationName: string | null; expiresAt: number }>();
  let generation = boardGeneration(db);
  const pending = new WeakMap<Request, Pending>();

  return {
    async onRequestParse({ request, url, endResponse, fetchAPI }) {
      const state = requestState(request);
      if (!state) return;
      let caller: Caller;
      try {
        caller = await state.caller;
      } catch {
        return; // a refused token gets its 401 from the context, never a cached board
      }
      const text = await requestText(request, url);
      if (text === null) return;
      const current = boardGeneration(db);
      if (current !== generation) {
        entries.clear();
        generation = current;
      }
      const key = `${visibility(caller)}\n${request.headers.get("accept") ?? ""}\n${text}`;
      const hit = entries.get(key);
      if (hit && hit.expiresAt > Date.now()) {
        state.cacheHit = true;
        state.operationName = hit.operationName;
        endResponse(new fetchAPI.Response(hit.body, { status: 200, headers: { "content-type": hit.contentType } }));
        return;
      }
      if (hit) entries.delete(key);
      pending.set(request, { key, generation: current });
    },

    onParams({ params, request }) {
      const miss = pending.get(request);
      if (!miss) return;
      if (!params.query || !isCacheable(params.query, params.operationName)) {
        pending.delete(request);
        return;
      }
      miss.cacheable = true;
      miss.operationName = requestState(request)?.operationName ?? null;
    },

    onExecutionResult({ request, result, setResult }) {
      const miss = pending.get(request);
      if (!miss?.cacheable || !result || Array.isArray(result) || Symbol.asyncIterator in result) return;
      if ((result as ExecutionResult).errors?.length) return;
      // Serialised once, here: yoga's result processors use a result's own `stringify`, so the
      // stored body is byte for byte what this response carries.
      const body = JSON.stringify(result);
      miss.body = body;
      setResult({ ...(result as ExecutionResult), stringify: () => body } as typeof result);
    },

    onResponse({ request, response }) {
      const miss = pending.get(request);
      if (!miss?.body) return;
      pending.delete(request);
      const contentType = response.headers.get("content-type") ?? "";
      // A board changed while this read ran: its result may be the old board. An event stream
      // or multipart answer (Accept asked for one) is not what was serialised above.
      if (response.status !== 200 || !JSON_TYPES.test(contentType) || boardGeneration(db) !== miss.generation) return;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      const now = Date.now();
      entries.set(miss.key, { body: miss.body, contentType, operationName: miss.operationName ?? null, expiresAt: Math.min(now + ttl, nextUtcMidnight(now)) });
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
