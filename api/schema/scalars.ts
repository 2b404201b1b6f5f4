import { GraphQLError, Kind } from "graphql";
import { builder } from "../builder.ts";
import { parseIsoDate } from "../domain/days.ts";

builder.scalarType("DateTime", {
  description: "An instant, ISO 8601 with a time zone (e.g. 2026-11-27T10:00:00Z).",
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType("Date", {
  description: "A calendar day in UTC, YYYY-MM-DD.",
  serialize: (value) => String(value),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType("JSON", {
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: (value) => value,
});

function parseDateTime(value: unknown): Date {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    throw new GraphQLError("DateTime must be an ISO 8601 string with a time zone, e.g. 2026-11-27T10:00:00Z");
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime ${JSON.stringify(value)} is not a real instant`);
  return date;
}

function parseDate(value: unknown): string {
  if (typeof value !== "string" || parseIsoDate(value) === null) {
    throw new GraphQLError("Date must be a real calendar day written YYYY-MM-DD");
  }
  return value;
}
