// Audit log: who did what to which object, with before/after and a reason.
import type { Caller } from "../context.ts";
import type { Db } from "../db.ts";

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

function toJson(value: unknown) {
  // Dates and other non-JSON values become their JSON form; undefined stays absent.
  return value === undefined || value === null ? undefined : JSON.parse(JSON.stringify(value));
}
