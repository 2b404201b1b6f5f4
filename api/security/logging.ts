// Structured request logs and production error masking.
// One JSON line per request: request id, caller kind, operation name, duration, HTTP status,
// error count (and, for unexpected errors, their messages and stacks, which the response
// never shows in production: it carries a generic message and the request id instead).
import { GraphQLError } from "graphql";
import { maskError as yogaMaskError } from "graphql-yoga";

export interface RequestLogLine {
  level: "info" | "warn" | "error";
  msg: "request";
  time: string;
  requestId: string;
  method: string;
  path: string;
  callerKind: string;
  operationName: string | null;
  durationMs: number;
  status: number;
  errorCount: number;
  rejectedBy?: string;
  /** "hit" when the board response cache answered (api/cache/board-cache.ts). */
  cache?: "hit";
  internalErrors?: { message: string; stack?: string; path?: string }[];
}

export type LogSink = (line: RequestLogLine) => void;

export const stdoutSink: LogSink = (line) => process.stdout.write(JSON.stringify(line) + "\n");

/** The error a resolver threw, kept on the masked error so the log can show it. */
export const ORIGINAL_ERROR = Symbol("originalError");

/** yoga's masking, remembering what was hidden (the request id is added per request later). */
export function maskErrorKeepingOriginal(error: unknown, message: string, isDev?: boolean): Error {
  const masked = yogaMaskError(error, message, isDev);
  if (masked !== error) {
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    Object.defineProperty(masked, ORIGINAL_ERROR, { value: original, enumerable: false });
  }
  return masked;
}

/** The response's version of an unexpected error: generic, with the id to find it in the logs. */
export function withRequestId(error: GraphQLError, requestId: string, production: boolean): GraphQLError {
  return new GraphQLError(production ? `Unexpected error. Quote request id ${requestId} to an administrator.` : error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: {
      ...(production ? { code: "INTERNAL_SERVER_ERROR" } : error.extensions),
      ...(error.extensions?.http ? { http: error.extensions.http } : {}),
      requestId,
    },
  });
}

export function describeOriginal(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  return { message: String(error) };
}

export function operationNameOf(query: string | undefined, given: string | null | undefined): string | null {
  if (given) return given.slice(0, 100);
  if (!query) return null;
  const match = /^\s*(?:#[^\n]*\n\s*)*(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query);
  return match ? match[2]!.slice(0, 100) : null;
}
