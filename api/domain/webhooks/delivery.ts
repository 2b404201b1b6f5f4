// The delivery worker: POSTs queued WebhookDelivery rows (written by emitEvent inside the
// writer's transaction), signed, with exponential backoff. A delivery is claimed by moving its
// nextAttemptAt forward with a conditional update, so two workers (replicas) never send it twice
// at once. Each attempt is logged in the audit log (action "webhook.attempt") with its outcome.
import type { Db } from "../../db.ts";
import type { Services } from "../../context.ts";
import { registerJob } from "../../jobs.ts";
import { signPayload } from "./signing.ts";

export const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 10_000;
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;
const BATCH = 25;

/** Delay before attempt n+1 after n failures: 10 s, 20 s, 40 s ... about 21 min before the last. */
export function backoffMs(failures: number) {
  return BASE_DELAY_MS * 2 ** Math.max(0, failures - 1);
}

export interface DeliveryRunResult {
  attempted: number;
  succeeded: number;
  failed: number;
}

export async function deliverDueWebhooks(db: Db, options: { now?: Date; limit?: number } = {}): Promise<DeliveryRunResult> {
  const now = options.now ?? new Date();
  const due = await db.webhookDelivery.findMany({
    where: { status: "PENDING", nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take: options.limit ?? BATCH,
    include: { subscription: { select: { url: true, secret: true, active: true } } },
  });
  const result = { attempted: 0, succeeded: 0, failed: 0 };
  await Promise.all(
    due.map(async (delivery) => {
      const claimed = await db.webhookDelivery.updateMany({
        where: { id: delivery.id, status: "PENDING", nextAttemptAt: delivery.nextAttemptAt },
        data: { nextAttemptAt: new Date(now.getTime() + LEASE_MS) },
      });
      if (claimed.count !== 1) return;
      result.attempted++;
      const ok = await attempt(db, delivery, now);
      if (ok) result.succeeded++;
      else result.failed++;
    }),
  );
  return result;
}

async function attempt(
  db: Db,
  delivery: { id: string; event: string; payload: unknown; attempts: number; subscription: { url: string; secret: string; active: boolean } },
  now: Date,
) {
  const attemptNo = delivery.attempts + 1;
  const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) });
  let statusCode: number | null = null;
  let error: string | null = null;
  const started = Date.now();
  if (!delivery.subscription.active) error = "subscription is inactive";
  else {
    try {
      const response = await fetch(delivery.subscription.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "power-user-platform-webhooks/1",
          "x-pu-event": delivery.event,
          "x-pu-delivery": delivery.id,
          "x-pu-signature": signPayload(delivery.subscription.secret, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => {});
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${(e as { cause?: Error }).cause?.message ?? e.message}` : String(e);
    }
  }
  const succeeded = error === null;
  const exhausted = !succeeded && attemptNo >= MAX_ATTEMPTS;
  await db.$transaction([
    db.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        attempts: attemptNo,
        lastStatusCode: statusCode,
        lastError: error,
        status: succeeded ? "SUCCEEDED" : exhausted ? "FAILED" : "PENDING",
        deliveredAt: succeeded ? new Date() : null,
        nextAttemptAt: succeeded || exhausted ? now : new Date(now.getTime() + backoffMs(attemptNo)),
      },
    }),
    db.auditLog.create({
      data: {
        actorKind: "system",
        actorId: "webhook-worker",
        action: "webhook.attempt",
        targetType: "WebhookDelivery",
        targetId: delivery.id,
        after: { attempt: attemptNo, statusCode, error, durationMs: Date.now() - started, at: new Date().toISOString() },
      },
    }),
  ]);
  return succeeded;
}

const kicking = new WeakMap<Db, Promise<unknown>>();

/** Send what is due right away (after a commit that emitted events) instead of waiting for the job. */
export function kickWebhookDelivery(services: Pick<Services, "db">) {
  const { db } = services;
  const running = kicking.get(db);
  const next = (running ?? Promise.resolve())
    .then(() => new Promise((r) => setImmediate(r)))
    .then(() => deliverDueWebhooks(db))
    .catch(() => {})
    .finally(() => {
      if (kicking.get(db) === next) kicking.delete(db);
    });
  kicking.set(db, next);
  return next;
}

registerJob({
  name: "webhook-delivery",
  intervalMs: 5_000,
  run: async (services) => {
    await deliverDueWebhooks(services.db);
  },
});
