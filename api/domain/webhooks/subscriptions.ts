// Webhook subscriptions: admins register a URL and the events it wants; the signing secret
// is returned once, at creation (like API keys), and stored for signing.
import type { Caller } from "../../context.ts";
import { NotFoundError } from "../../errors.ts";
import type { Db } from "../../db.ts";
import { recordAudit } from "../audit.ts";
import { newWebhookSecret } from "./signing.ts";

export interface WebhookFields {
  url?: string;
  events?: string[];
  description?: string | null;
  active?: boolean;
}

const publicView = (w: { id: string; url: string; events: unknown; description: string | null; active: boolean }) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  description: w.description,
  active: w.active,
});

export async function createWebhook(db: Db, caller: Caller, requestId: string, input: WebhookFields & { url: string; events: string[] }) {
  const secret = newWebhookSecret();
  const webhook = await db.$transaction(async (tx) => {
    const row = await tx.webhookSubscription.create({
      data: { url: input.url, events: [...new Set(input.events)], description: input.description ?? null, secret },
    });
    await recordAudit(tx, caller, requestId, { action: "webhook.create", targetType: "WebhookSubscription", targetId: row.id, after: publicView(row) });
    return row;
  });
  return { webhook, secret };
}

export async function updateWebhook(db: Db, caller: Caller, requestId: string, id: string, input: WebhookFields) {
  return db.$transaction(async (tx) => {
    const before = await tx.webhookSubscription.findUnique({ where: { id } });
    if (!before) throw new NotFoundError("Webhook", id);
    const row = await tx.webhookSubscription.update({
      where: { id },
      data: {
        url: input.url,
        events: input.events ? [...new Set(input.events)] : undefined,
        description: input.description,
        active: input.active,
      },
    });
    await recordAudit(tx, caller, requestId, { action: "webhook.update", targetType: "WebhookSubscription", targetId: id, before: publicView(before), after: publicView(row) });
    return row;
  });
}

export async function deleteWebhook(db: Db, caller: Caller, requestId: string, id: string) {
  return db.$transaction(async (tx) => {
    const before = await tx.webhookSubscription.findUnique({ where: { id } });
    if (!before) throw new NotFoundError("Webhook", id);
    await tx.webhookSubscription.delete({ where: { id } });
    await recordAudit(tx, caller, requestId, { action: "webhook.delete", targetType: "WebhookSubscription", targetId: id, before: publicView(before) });
    return id;
  });
}

/** A new delivery of the same event and payload, due now; the original keeps its log. */
export async function redeliver(db: Db, caller: Caller, requestId: string, deliveryId: string) {
  return db.$transaction(async (tx) => {
    const original = await tx.webhookDelivery.findUnique({ where: { id: deliveryId } });
    if (!original) throw new NotFoundError("WebhookDelivery", deliveryId);
    const copy = await tx.webhookDelivery.create({
      data: { subscriptionId: original.subscriptionId, event: original.event, payload: original.payload as object },
    });
    await recordAudit(tx, caller, requestId, { action: "webhook.redeliver", targetType: "WebhookDelivery", targetId: copy.id, after: { from: deliveryId } });
    return copy;
  });
}
