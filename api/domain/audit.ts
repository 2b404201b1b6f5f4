// Audit log: who did what to which object, with before/after and a reason.
import type { Caller } from "../context.ts";
import { randomUUID } from "node:crypto";
import { sqlTime, type Db } from "../db.ts";
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
 * The same entry as a SQLite statement, for transactions run on the raw writer (sqlite-writer.ts).
 * Columns are written in Prisma's SQLite forms: JSON text and "+00:00" instants.
 */
export function* auditPlan(caller: Caller, requestId: string | undefined, entry: AuditEntry, now: Date): Plan<void> {
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  yield execute(
    `INSERT INTO "AuditLog" ("id", "actorKind", "actorId", "action", "targetType", "targetId", "before", "after", "reason", "requestId", "createdAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    sqlTime("sqlite", now),
  );
}

function toJson(value: unknown) {
  // Dates and other non-JSON values become their JSON form; undefined stays absent.
  return value === undefined || value === null ? undefined : JSON.parse(JSON.stringify(value));
}
