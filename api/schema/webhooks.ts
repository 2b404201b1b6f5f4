// Webhook subscriptions and their delivery log (admins only: URLs and secrets are sensitive).
import { z } from "zod";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../builder.ts";
import { NotFoundError } from "../errors.ts";
import { WEBHOOK_EVENTS } from "../domain/events.ts";
import { createWebhook, deleteWebhook, redeliver, updateWebhook } from "../domain/webhooks/subscriptions.ts";
import { kickWebhookDelivery, MAX_ATTEMPTS } from "../domain/webhooks/delivery.ts";
import type { WebhookSubscription } from "../gen/sqlite/client.ts";

const adminOnly = { admin: true };

export const DeliveryStatusEnum = builder.enumType("DeliveryStatus", { values: ["PENDING", "SUCCEEDED", "FAILED"] as const });

export const WebhookRef = builder.prismaNode("WebhookSubscription", {
  variant: "Webhook",
  id: { field: "id" },
  authScopes: adminOnly,
  description: "A URL that receives signed POSTs for the events it subscribes to.",
  fields: (t) => ({
    url: t.exposeString("url"),
    events: t.stringList({ resolve: (w) => (w.events as string[]) ?? [] }),
    description: t.exposeString("description", { nullable: true }),
    active: t.exposeBoolean("active"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

interface AttemptLog {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

const WebhookAttemptRef = builder.objectRef<AttemptLog>("WebhookAttempt").implement({
  authScopes: adminOnly,
  fields: (t) => ({
    attempt: t.exposeInt("attempt"),
    statusCode: t.exposeInt("statusCode", { nullable: true }),
    error: t.exposeString("error", { nullable: true }),
    durationMs: t.exposeInt("durationMs"),
    at: t.field({ type: "DateTime", resolve: (a) => a.at }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode("WebhookDelivery", {
  id: { field: "id" },
  authScopes: adminOnly,
  fields: (t) => ({
    event: t.exposeString("event"),
    payload: t.field({ type: "JSON", resolve: (d) => d.payload }),
    status: t.expose("status", { type: DeliveryStatusEnum }),
    attempts: t.exposeInt("attempts", { description: `Attempts so far; FAILED after ${MAX_ATTEMPTS}.` }),
    nextAttemptAt: t.expose("nextAttemptAt", { type: "DateTime" }),
    lastStatusCode: t.exposeInt("lastStatusCode", { nullable: true }),
    lastError: t.exposeString("lastError", { nullable: true }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    webhook: t.relation("subscription", { type: WebhookRef }),
    attemptLog: t.field({
      type: [WebhookAttemptRef],
      description: "Every attempt, oldest first, with the HTTP status or the network error.",
      resolve: async (d, _args, ctx) => {
        const rows = await ctx.db.auditLog.findMany({
          where: { targetType: "WebhookDelivery", targetId: d.id, action: "webhook.attempt" },
          orderBy: { createdAt: "asc" },
        });
        return rows.map((r) => r.after as unknown as AttemptLog).sort((a, b) => a.attempt - b.attempt);
      },
    }),
  }),
});

const urlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !!u.hostname;
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL");
const eventsSchema = z
  .array(z.string().refine((e) => e === "*" || (WEBHOOK_EVENTS as readonly string[]).includes(e), `unknown event; known: *, ${WEBHOOK_EVENTS.join(", ")}`))
  .min(1, "name at least one event (or *)")
  .max(50);

const CreateWebhookInput = builder.inputType("CreateWebhookInput", {
  fields: (t) => ({
    url: t.string({ validate: urlSchema }),
    events: t.stringList({ validate: eventsSchema, description: `Event names, or ["*"] for all: ${WEBHOOK_EVENTS.join(", ")}.` }),
    description: t.string({ required: false, validate: z.string().max(500) }),
  }),
});

const UpdateWebhookInput = builder.inputType("UpdateWebhookInput", {
  fields: (t) => ({
    id: t.globalID({ for: WebhookRef }),
    url: t.string({ required: false, validate: urlSchema }),
    events: t.stringList({ required: false, validate: eventsSchema }),
    description: t.string({ required: false, validate: z.string().max(500) }),
    active: t.boolean({ required: false }),
  }),
});

const DeleteWebhookInput = builder.inputType("DeleteWebhookInput", { fields: (t) => ({ id: t.globalID({ for: WebhookRef }) }) });

const CreateWebhookPayload = builder.objectRef<{ webhook: WebhookSubscription; secret: string }>("CreateWebhookPayload").implement({
  authScopes: adminOnly,
  fields: (t) => ({
    webhook: t.field({ type: WebhookRef, resolve: (p) => p.webhook }),
    secret: t.exposeString("secret", { description: "The signing secret; shown only here, once." }),
  }),
});
const UpdateWebhookPayload = builder.objectRef<{ webhook: WebhookSubscription }>("UpdateWebhookPayload").implement({
  authScopes: adminOnly,
  fields: (t) => ({ webhook: t.field({ type: WebhookRef, resolve: (p) => p.webhook }) }),
});
const DeleteWebhookPayload = builder.objectRef<{ deletedId: string }>("DeleteWebhookPayload").implement({
  authScopes: adminOnly,
  fields: (t) => ({ deletedId: t.exposeID("deletedId") }),
});
const RedeliverWebhookPayload = builder.objectRef<{ delivery: { id: string } }>("RedeliverWebhookPayload").implement({
  authScopes: adminOnly,
  fields: (t) => ({
    delivery: t.prismaField({ type: "WebhookDelivery", resolve: (q, p, _a, ctx) => ctx.db.webhookDelivery.findUniqueOrThrow({ ...q, where: { id: p.delivery.id } }) }),
  }),
});

builder.queryFields((t) => ({
  webhooks: t.prismaConnection({
    type: WebhookRef,
    cursor: "id",
    skipTypeScopes: true,
    authScopes: adminOnly,
    resolve: (query, _root, _args, ctx) => ctx.db.webhookSubscription.findMany({ ...query, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
  webhookDeliveries: t.prismaConnection({
    type: "WebhookDelivery",
    cursor: "id",
    description: "The delivery log, newest first.",
    skipTypeScopes: true,
    authScopes: adminOnly,
    args: {
      webhookId: t.arg.globalID({ for: WebhookRef, required: false }),
      status: t.arg({ type: DeliveryStatusEnum, required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.webhookDelivery.findMany({
        ...query,
        where: { ...(args.webhookId ? { subscriptionId: args.webhookId.id } : {}), ...(args.status ? { status: args.status } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    description: "Subscribe a URL to events. Deliveries carry X-PU-Event, X-PU-Delivery and X-PU-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">.",
    skipTypeScopes: true,
    authScopes: adminOnly,
    errors: {},
    args: { input: t.arg({ type: CreateWebhookInput }) },
    resolve: (_root, { input }, ctx) => createWebhook(ctx.db, ctx.caller, ctx.requestId, input),
  }),
  updateWebhook: t.field({
    type: UpdateWebhookPayload,
    skipTypeScopes: true,
    authScopes: adminOnly,
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: UpdateWebhookInput }) },
    resolve: async (_root, { input }, ctx) => ({
      webhook: await updateWebhook(ctx.db, ctx.caller, ctx.requestId, input.id.id, {
        url: input.url ?? undefined,
        events: input.events ?? undefined,
        description: "description" in input ? (input.description ?? null) : undefined,
        active: input.active ?? undefined,
      }),
    }),
  }),
  deleteWebhook: t.field({
    type: DeleteWebhookPayload,
    skipTypeScopes: true,
    authScopes: adminOnly,
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: DeleteWebhookInput }) },
    resolve: async (_root, { input }, ctx) => {
      await deleteWebhook(ctx.db, ctx.caller, ctx.requestId, input.id.id);
      // The same global id the caller sent, so a client can drop it from its list.
      return { deletedId: encodeGlobalID("Webhook", input.id.id) };
    },
  }),
  redeliverWebhook: t.field({
    type: RedeliverWebhookPayload,
    description: "Send a delivery again, as a new delivery with the same payload, right away.",
    skipTypeScopes: true,
    authScopes: adminOnly,
    errors: { types: [NotFoundError] },
    args: { deliveryId: t.arg.globalID({ for: WebhookDeliveryRef }) },
    resolve: async (_root, args, ctx) => {
      const delivery = await redeliver(ctx.db, ctx.caller, ctx.requestId, args.deliveryId.id);
      kickWebhookDelivery(ctx);
      return { delivery };
    },
  }),
}));
