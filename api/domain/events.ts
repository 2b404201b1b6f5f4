// Domain events for the host: each event is queued as a WebhookDelivery for every active
// subscription that wants it, inside the caller's transaction (so a rolled-back write sends nothing).
// The delivery worker (signing, retries) sends them.
import type { Db } from "../db.ts";

export const WEBHOOK_EVENTS = [
  "member.joined",
  "member.promoted",
  "member.demoted",
  "badge.awarded",
  "invitation.created",
  "cohort.enrollment_changed",
  "feedback.status_changed",
  "story.published",
  "contribution.recorded",
  "referral.converted",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

type Tx = Pick<Db, "webhookSubscription" | "webhookDelivery">;

export async function emitEvent(tx: Tx, event: WebhookEvent, data: Record<string, unknown>) {
  const subscriptions = await tx.webhookSubscription.findMany({ where: { active: true }, select: { id: true, events: true } });
  const wanted = subscriptions.filter((s) => {
    const events = (s.events as string[]) ?? [];
    return events.includes("*") || events.includes(event);
  });
  if (wanted.length === 0) return;
  const payload = JSON.parse(JSON.stringify({ event, occurredAt: new Date().toISOString(), data }));
  await tx.webhookDelivery.createMany({
    data: wanted.map((s) => ({ subscriptionId: s.id, event, payload })),
  });
}
