// User rows read by raw SQL, in the shape Prisma's own reads give. Hot paths (a leaderboard
// page, the caller's own row on every member request) read people with raw statements: with the
// query compiler every ORM call is compiled again (about a millisecond each), a raw one is not.
import { Prisma, readRaw, type Db } from "../db.ts";
import type { User } from "../gen/sqlite/client.ts";

// Every scalar column of User, so the row is what `db.user.findUnique` would return.
const USER_COLUMNS = {
  id: "id",
  externalId: "externalId",
  displayName: "displayName",
  email: "email",
  team: "team",
  managerId: "managerId",
  attributes: "attributes",
  showOnLeaderboards: "showOnLeaderboards",
  firstSeenAt: "firstSeenAt",
  lastActiveAt: "lastActiveAt",
  erasedAt: "erasedAt",
  createdAt: "createdAt",
  updatedAt: "updatedAt",
} as const;

/** A User row's columns as raw SQL reads them (`"u_<column>"`), from the table aliased `alias`. */
export type RawUser = { [K in `u_${keyof typeof USER_COLUMNS}`]: unknown };

const columnLists = new Map<string, Prisma.Sql>();
export function userColumns(alias: string) {
  let sql = columnLists.get(alias);
  if (!sql) {
    sql = Prisma.raw(
      Object.keys(USER_COLUMNS)
        .map((c) => `${alias}."${c}" AS "u_${c}"`)
        .join(", "),
    );
    columnLists.set(alias, sql);
  }
  return sql;
}

// Raw rows come back as the driver gives them (SQLite: ISO text, 0/1, JSON text); Prisma's own
// reads return Dates, booleans and parsed JSON, and the User fields expect that shape.
const toDate = (v: unknown): Date | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === "bigint") return new Date(Number(v));
  // SQLite's CURRENT_TIMESTAMP form has no zone; it is UTC.
  if (typeof v === "string" && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v)) return new Date(`${v.replace(" ", "T")}Z`);
  return new Date(v as string | number);
};
const toBool = (v: unknown) => v === true || v === 1 || v === 1n || v === "1" || v === "true";
const toJson = (v: unknown) => {
  if (typeof v !== "string") return (v ?? null) as Prisma.JsonValue;
  try {
    return JSON.parse(v) as Prisma.JsonValue;
  } catch {
    return v;
  }
};

/** The row as `db.user.findUnique` would return it. */
export function userFromRow(r: RawUser): User {
  return {
    id: r.u_id as string,
    externalId: r.u_externalId as string,
    displayName: (r.u_displayName ?? null) as string | null,
    email: (r.u_email ?? null) as string | null,
    team: (r.u_team ?? null) as string | null,
    managerId: (r.u_managerId ?? null) as string | null,
    attributes: toJson(r.u_attributes),
    showOnLeaderboards: toBool(r.u_showOnLeaderboards),
    firstSeenAt: toDate(r.u_firstSeenAt)!,
    lastActiveAt: toDate(r.u_lastActiveAt),
    erasedAt: toDate(r.u_erasedAt),
    createdAt: toDate(r.u_createdAt)!,
    updatedAt: toDate(r.u_updatedAt)!,
  };
}


/** One person by the host's externalId, or null (one raw statement, see above). */
export async function userByExternalIdRaw(db: Db, externalId: string): Promise<User | null> {
  const rows = await readRaw<RawUser>(db, Prisma.sql`SELECT ${userColumns("usr")} FROM "User" usr WHERE usr."externalId" = ${externalId}`);
  return rows[0] ? userFromRow(rows[0]) : null;
}
