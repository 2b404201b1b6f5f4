// What the security plugins learn about one HTTP request, shared between them and the
// context factory: resolved once (the caller costs a database read for API keys).
import { randomUUID } from "node:crypto";
import type { Caller, Services } from "../context.ts";
import { resolveCaller } from "../context.ts";

export interface RequestState {
  requestId: string;
  startedAt: number;
  ip: string;
  /** The caller, or the authentication error resolveCaller threw (reported by the context). */
  caller: Promise<Caller>;
  /** The caller as far as rate limits and logs are concerned: a bad token counts as anonymous. */
  limitedCaller: Promise<Caller>;
  /** limitedCaller once it has settled (for synchronous readers: the log line). */
  settledCaller?: Caller;
  operationName?: string | null;
  errorCount: number;
  /** Unexpected errors, kept for the log line (production masks them in the response). */
  internalErrors: { message: string; stack?: string; path?: string }[];
  rejectedBy?: string;
  /** Answered from the board response cache (api/cache/board-cache.ts). */
  cacheHit?: boolean;
}

const states = new WeakMap<Request, RequestState>();

export function clientIp(request: Request, remoteAddress: string | undefined, trustProxy: number): string {
  if (trustProxy > 0) {
    // Each trusted proxy appends the address it saw; the entry `trustProxy` from the end
    // is the client as seen by the outermost proxy we trust. Entries before it are forgeable.
    const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const seen = hops[hops.length - trustProxy];
    if (seen) return seen;
  }
  return remoteAddress ?? "unknown";
}

export function beginRequest(services: Services, request: Request, remoteAddress: string | undefined): RequestState {
  const existing = states.get(request);
  if (existing) return existing;
  const header = request.headers.get("x-request-id")?.trim();
  const caller = resolveCaller(services, request.headers.get("authorization"));
  const limitedCaller = caller.catch((): Caller => ({ kind: "anonymous", actor: null }));
  const state: RequestState = {
    requestId: header && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID(),
    startedAt: performance.now(),
    ip: clientIp(request, remoteAddress, services.config.security.trustProxy),
    caller,
    limitedCaller,
    errorCount: 0,
    internalErrors: [],
  };
  void limitedCaller.then((settled) => (state.settledCaller = settled));
  states.set(request, state);
  return state;
}

export function requestState(request: Request): RequestState | undefined {
  return states.get(request);
}


