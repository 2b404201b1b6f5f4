// The points ledger: append-only entries plus maintained totals per scope
// ("" = workspace, else a program id), written in the caller's transaction.
import type { Db } from "../db.ts";
import type { LedgerReason } from "../gen/sqlite/client.ts";

export const WORKSPACE_SCOPE = "";

type Tx = Pick<Db, "pointsEntry" | "pointsTotal">;

export interface LedgerWrite {
  userId: string;
  points: number;
  reason: LedgerReason;
  occurredAt: Date;
  programId?: string | null;
  contributionId?: string | null;
  note?: string | null;
}

export async function appendPoints(tx: Tx, entry: LedgerWrite) {
  const created = await tx.pointsEntry.create({
    data: {
      userId: entry.userId,
      points: entry.points,
      reason: entry.reason,
      occurredAt: entry.occurredAt,
      programId: entry.programId ?? null,
      contributionId: entry.contributionId ?? null,
      note: entry.note ?? null,
    },
  });
  const scopes = entry.programId ? [WORKSPACE_SCOPE, entry.programId] : [WORKSPACE_SCOPE];
  for (const scope of scopes) await addToTotal(tx, entry.userId, scope, entry.points, entry.occurredAt);
  return created;
}

async function addToTotal(tx: Tx, userId: string, scope: string, points: number, at: Date) {
  // increment is a single UPDATE ... SET points = points + n, so concurrent writers never lose points.
  await tx.pointsTotal.upsert({
    where: { userId_scope: { userId, scope } },
    create: { userId, scope, points, lastEarnedAt: at },
    update: { points: { increment: points } },
  });
  await tx.pointsTotal.updateMany({
    where: { userId, scope, lastEarnedAt: { lt: at } },
    data: { lastEarnedAt: at },
  });
}
