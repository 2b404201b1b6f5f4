// The security plugins of the GraphQL app, in the order a request meets them:
// request id and caller -> rate limit -> trusted documents -> query limits and introspection
// -> execution -> error masking -> one structured log line.
import { GraphQLError, NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Services } from "../context.ts";
import { beginRequest, requestState } from "./request-state.ts";
import { createRateLimiter, type RateLimiter } from "./rate-limit.ts";
import { queryLimitsPlugin } from "./limits.ts";
import { TrustedDocuments, sha256, untrustedDocumentError } from "./trusted-documents.ts";
import {
  ORIGINAL_ERROR,
  describeOriginal,
  maskErrorKeepingOriginal,
  operationNameOf,
  stdoutSink,
  withRequestId,
  type LogSink,
} from "./logging.ts";

export interface SecurityOptions {
  /** Where request log lines go (tests pass a collector); default stdout when LOG_REQUESTS is on. */
  logSink?: LogSink;
}

export { maskErrorKeepingOriginal };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const stringOk = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);

function wellFormed(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return stringOk(value);
  if (value === null || typeof value !== "object" || depth > 64) return true;
  if (Array.isArray(value)) return value.every((v) => wellFormed(v, depth + 1));
  return Object.entries(value).every(([k, v]) => stringOk(k) && wellFormed(v, depth + 1));
}

/** Admins and API keys are trusted with arbitrary documents and introspection. */
const isTrustedCaller = (kind: string) => kind === "admin" || kind === "integrator";

export function securityPlugins(services: Services, options: SecurityOptions = {}) {
  const { config } = services;
  const security = config.security;
  const limiter: RateLimiter = createRateLimiter(security);
  const trusted = security.trustedDocuments ? TrustedDocuments.load(security.trustedDocumentsManifest) : null;
  const sink = options.logSink ?? (security.requestLog ? stdoutSink : null);

  const plugin: Plugin<Record<string, unknown>> = {
    async onRequest({ request, serverContext, endResponse, fetchAPI }) {
      // This hook's exceptions are not caught by yoga: nothing here may throw.
      try {
        const remote = (serverContext as { remoteAddress?: string }).remoteAddress;
        const state = beginRequest(services, request, remote);
        if (request.method === "OPTIONS") return;
        const caller = await state.limitedCaller;
        let decision;
        try {
          decision = await limiter.check(caller, state.ip);
        } catch (error) {
          // Redis unreachable: serve rather than refuse everyone; the log line says so.
          state.internalErrors.push({ message: `rate limiter unavailable: ${describeOriginal(error).message}` });
          return;
        }
        if (!decision || decision.allowed) return;
        state.rejectedBy = "rate-limit";
        state.errorCount = 1;
        const retryAfter = String(decision.resetSeconds);
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: `Rate limit exceeded: ${decision.limit} requests per ${security.rateLimit.windowSeconds}s for this ${decision.bucket.split(":")[0] === "ip" ? "address" : decision.bucket.split(":")[0]}. Retry after ${retryAfter}s.`,
                  extensions: { code: "RATE_LIMITED", retryAfter: decision.resetSeconds, requestId: state.requestId },
                },
              ],
            }),
            {
              status: 429,
              headers: {
                "content-type": "application/json; charset=utf-8",
                "retry-after": retryAfter,
                "ratelimit-limit": String(decision.limit),
                "ratelimit-remaining": "0",
                "ratelimit-reset": retryAfter,
              },
            },
          ),
        );
      } catch (error) {
        console.error("security plugin onRequest failed", error);
      }
    },

    async onParams({ params, request, setParams }) {
      const state = requestState(request);
      if (!state) return;
      state.operationName = operationNameOf(params.query, params.operationName);
      // NUL characters and lone UTF-16 surrogates cannot be stored (PostgreSQL text and the
      // SQLite JSON path fail on them deep inside a transaction): refuse them at the door as the
      // client's mistake. Both were found by the fuzzer.
      if (!wellFormed(params.query) || !wellFormed(params.variables) || !wellFormed(params.operationName)) {
        state.rejectedBy = "unicode";
        throw new GraphQLError("The request contains text that cannot be stored: a NUL character or invalid Unicode (a lone UTF-16 surrogate)", {
          extensions: { code: "BAD_USER_INPUT", http: { status: 400 } },
        });
      }
      if (!trusted) return;
      const caller = await state.limitedCaller;
      const hash = (params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      if (typeof hash === "string") {
        const text = trusted.textFor(hash);
        if (text) {
          if (params.query && sha256(params.query) !== hash) {
            state.rejectedBy = "trusted-documents";
            throw untrustedDocumentError("The query does not match its persisted hash", "PERSISTED_QUERY_MISMATCH");
          }
          setParams({ ...params, query: text });
          state.operationName = operationNameOf(text, params.operationName);
          return;
        }
        if (!isTrustedCaller(caller.kind)) {
          state.rejectedBy = "trusted-documents";
          throw untrustedDocumentError("PersistedQueryNotFound: no widget operation has this hash", "PERSISTED_QUERY_NOT_FOUND");
        }
        return;
      }
      if (isTrustedCaller(caller.kind)) return;
      if (!params.query || !trusted.allowsText(params.query)) {
        state.rejectedBy = "trusted-documents";
        throw untrustedDocumentError(
          "Only the widgets' operations (trusted documents) may be run without an API key",
          "PERSISTED_QUERY_ONLY",
        );
      }
    },

    onValidate({ context, addValidationRule }) {
      if (!config.production) return;
      const request = (context as { request?: Request }).request;
      const state = request ? requestState(request) : undefined;
      const kind = state?.settledCaller?.kind ?? "anonymous";
      if (!isTrustedCaller(kind)) addValidationRule(NoSchemaIntrospectionCustomRule);
    },

    onResultProcess({ request, result, setResult }) {
      const state = requestState(request);
      if (!state || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const single = result as { errors?: readonly GraphQLError[] };
      if (!single.errors?.length) return;
      state.errorCount += single.errors.length;
      let changed = false;
      const errors = single.errors.map((error) => {
        const original = (error as unknown as Record<symbol, unknown>)[ORIGINAL_ERROR];
        if (original === undefined) return error;
        changed = true;
        state.internalErrors.push({ ...describeOriginal(original), path: error.path?.join(".") });
        return withRequestId(error, state.requestId, config.production);
      });
      if (changed) setResult({ ...(result as object), errors } as typeof result);
    },

    onResponse({ request, response }) {
      const state = requestState(request);
      if (!state) return;
      try {
        response.headers.set("x-request-id", state.requestId);
      } catch {
        // Some responses (static files) have immutable headers.
      }
      if (!sink) return;
      const status = response.status;
      const callerKind = state.settledCaller
        ? state.settledCaller.kind
        : "unknown";
      sink({
        level: status >= 500 || state.internalErrors.length ? "error" : status >= 400 ? "warn" : "info",
        msg: "request",
        time: new Date().toISOString(),
        requestId: state.requestId,
        method: request.method,
        path: new URL(request.url).pathname,
        callerKind,
        operationName: state.operationName ?? null,
        durationMs: Math.round((performance.now() - state.startedAt) * 10) / 10,
        status,
        errorCount: state.errorCount,
        ...(state.rejectedBy ? { rejectedBy: state.rejectedBy } : {}),
        ...(state.cacheHit ? { cache: "hit" } : {}),
        ...(state.internalErrors.length ? { internalErrors: state.internalErrors } : {}),
      });
    },

    onDispose: () => limiter.close(),
  };

  return { plugins: [plugin, queryLimitsPlugin(security.limits, config.production)] };
}
