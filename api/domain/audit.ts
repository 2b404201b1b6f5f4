// Audit log: who did what to which object, with before/after and a reason.
import type { Caller } from "../context.ts";
import { randomUUID } from "node:crypto";
import { sqlTime, type Db, type Dialect } from "../db.ts";
import { execute, type Plan } from "./plan.ts";

type Tx = Pick<Db, "auditLog">;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export async function recordAudit(tx: Tx, caller: Caller, requestId: string | undefined, entry: AuditEntry) {
  await tx.auditLog.create({
    data: {
      actorKind: caller.kind === "integrator" ? "integrator" : caller.kind,
      actorId: caller.actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
      reason: entry.reason ?? null,
      requestId: requestId ?? null,
    },
  });
}

/**
 * The same entry as one SQL statement, for transactions run beside Prisma (sqlite-writer.ts,
 * postgres-writer.ts). Columns are written as Prisma writes them: JSON, and UTC instants (on
 * SQLite ISO text with "+00:00").
 */
export function* auditPlan(dialect: Dialect, caller: Caller, requestId: string | undefined, entry: AuditEntry, now: Date): Plan<void> {
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const values =
    dialect === "sqlite"
      ? "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
      : "$1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11::timestamptz AT TIME ZONE 'UTC'";
  yield execute(
    `INSERT INTO "AuditLog" ("id", "actorKind", "actorId", "action", "targetType", "targetId", "before", "after", "reason", "requestId", "createdAt")
     VALUES (${values})`,
    randomUUID(),
    caller.kind === "integrator" ? "integrator" : caller.kind,
    caller.actor ?? null,
    entry.action,
    entry.targetType,
    entry.targetId ?? null,
    json(entry.before),
    json(entry.after),
    entry.reason ?? null,
    requestId ?? null,
    dialect === "sqlite" ? sqlTime("sqlite", now) : now.toISOString(),
  );
}

function toJson(value: unknown) {
  // Dates and other non-JSON values become their JSON form; undefined stays absent.
  return value === undefined || value === null ? undefined : JSON.parse(JSON.stringify(value));
}
