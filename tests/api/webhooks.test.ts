import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { verifySignature } from "../../api/domain/webhooks/signing.ts";
import { deliverDueWebhooks, kickWebhookDelivery, MAX_ATTEMPTS } from "../../api/domain/webhooks/delivery.ts";

interface Received {
  event: string;
  delivery: string;
  signature: string;
  body: string;
  valid: boolean;
}

const CREATE = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename ... on CreateWebhookPayload { secret webhook { id url events active } } ... on ValidationError { field message } } }`;

describe("webhooks", () => {
  let app: TestApp;
  let receiver: Server;
  let receiverUrl = "";
  const received: Received[] = [];
  let secret = "";
  /** Status codes the receiver answers with, in order; 200 once they run out. */
  const script: number[] = [];

  beforeAll(async () => {
    app = await createTestApp();
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const signature = String(req.headers["x-pu-signature"] ?? "");
        received.push({
          event: String(req.headers["x-pu-event"]),
          delivery: String(req.headers["x-pu-delivery"]),
          signature,
          body,
          valid: verifySignature(secret, body, signature),
        });
        res.writeHead(script.shift() ?? 200).end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  });
  afterAll(async () => {
    await app.close();
    await new Promise((r) => receiver.close(r));
  });

  it("refuses a non-http URL and unknown events, writing nothing", async () => {
    for (const url of ["ftp://example.com/x", "javascript:alert(1)", "not a url", "file:///etc/passwd"]) {
      const r = await app.gql(CREATE, { input: { url, events: ["*"] } }, "admin");
      expect(r.data.createWebhook).toMatchObject({ __typename: "ValidationError", field: "input.url" });
    }
    const events = await app.gql(CREATE, { input: { url: "https://example.com/h", events: ["nope"] } }, "admin");
    expect(events.data.createWebhook).toMatchObject({ __typename: "ValidationError", field: "input.events.0" });
    expect(await app.db.webhookSubscription.count()).toBe(0);
    const member = await app.gql(CREATE, { input: { url: "https://example.com/h", events: ["*"] } }, await app.memberToken("m"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("delivers a signed POST right after the commit that emitted the event", async () => {
    const created = await app.gql(CREATE, { input: { url: receiverUrl, events: ["cohort.enrollment_changed", "feedback.status_changed"], description: "test" } }, "admin");
    expect(created.data.createWebhook.__typename).toBe("CreateWebhookPayload");
    secret = created.data.createWebhook.secret;
    expect(secret).toMatch(/^whsec_/);
    const listed = await app.gql(`{ webhooks { edges { node { url events } } } }`, {}, "admin");
    expect(listed.data.webhooks.edges[0].node).toEqual({ url: receiverUrl, events: ["cohort.enrollment_changed", "feedback.status_changed"] });

    const cohort = await app.gql(`mutation { createCohort(input: { name: "Hooks", featureKey: "hooks", capacity: 5 }) { ... on CreateCohortPayload { cohort { id } } } }`, {}, "admin");
    await app.gql(`mutation ($id: ID!) { joinCohort(input: { cohortId: $id }) { __typename } }`, { id: cohort.data.createCohort.cohort.id }, await app.memberToken("hooked"));
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    const [hit] = received;
    expect(hit!.event).toBe("cohort.enrollment_changed");
    expect(hit!.valid).toBe(true);
    expect(hit!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const body = JSON.parse(hit!.body);
    expect(body).toMatchObject({ id: hit!.delivery, event: "cohort.enrollment_changed", data: { userId: "hooked", status: "ACCEPTED", featureKey: "hooks" } });
    expect(verifySignature("wrong-secret", hit!.body, hit!.signature)).toBe(false);
    expect(verifySignature(secret, hit!.body + " ", hit!.signature)).toBe(false);
    await expect.poll(async () => (await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: hit!.delivery } })).status).toBe("SUCCEEDED");
    const row = await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: hit!.delivery } });
    expect(row).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastStatusCode: 200 });
  });

  it("retries with exponential backoff, logs every attempt, and gives up after the last attempt", async () => {
    received.length = 0;
    script.push(...Array(MAX_ATTEMPTS).fill(500));
    const item = await app.gql(`mutation { submitFeedback(input: { kind: BUG, title: "Crash", body: "on save" }) { ... on SubmitFeedbackPayload { feedback { id } } } }`, {}, await app.memberToken("reporter"));
    await app.gql(`mutation ($id: ID!) { changeFeedbackStatus(input: { id: $id, status: ACKNOWLEDGED, note: "Looking" }) { __typename } }`, { id: item.data.submitFeedback.feedback.id }, "admin");
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    const deliveryId = received[0]!.delivery;
    await expect.poll(async () => (await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).attempts).toBe(1);
    let row = await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(row).toMatchObject({ status: "PENDING", lastStatusCode: 500, lastError: "HTTP 500" });
    const delays: number[] = [];
    let clock = new Date();
    for (let i = 2; i <= MAX_ATTEMPTS; i++) {
      // Not due yet: nothing is sent before the backoff has passed.
      expect((await deliverDueWebhooks(app.db, { now: clock })).attempted).toBe(0);
      delays.push(row.nextAttemptAt.getTime() - clock.getTime());
      clock = new Date(row.nextAttemptAt.getTime() + 1);
      expect((await deliverDueWebhooks(app.db, { now: clock })).attempted).toBe(1);
      row = await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    }
    expect(row).toMatchObject({ status: "FAILED", attempts: MAX_ATTEMPTS });
    expect(received.filter((r) => r.delivery === deliveryId)).toHaveLength(MAX_ATTEMPTS);
    expect(delays[2]! / delays[1]!).toBeCloseTo(2, 0);
    const log = await app.gql(`query ($id: ID!) { webhookDeliveries(webhookId: $id, status: FAILED) { edges { node { id status attempts attemptLog { attempt statusCode error } } } } }`, { id: (await app.gql(`{ webhooks { edges { node { id } } } }`, {}, "admin")).data.webhooks.edges[0].node.id }, "admin");
    const node = log.data.webhookDeliveries.edges[0].node;
    expect(node.attemptLog).toHaveLength(MAX_ATTEMPTS);
    expect(node.attemptLog[0]).toEqual({ attempt: 1, statusCode: 500, error: "HTTP 500" });

    received.length = 0;
    const again = await app.gql(`mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { __typename ... on RedeliverWebhookPayload { delivery { id status } } } }`, { id: node.id }, "admin");
    expect(again.data.redeliverWebhook.__typename).toBe("RedeliverWebhookPayload");
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    expect(received[0]!.valid).toBe(true);
    expect(JSON.parse(received[0]!.body).data.note).toBe("Looking");
  });

  it("logs a network error when the receiver is unreachable, and stops sending after deletion", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const deadUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}/nothing`;
    await new Promise((r) => probe.close(r));
    const dead = await app.gql(CREATE, { input: { url: deadUrl, events: ["*"] } }, "admin");
    const deadId = dead.data.createWebhook.webhook.id;
    const cohort = await app.gql(`mutation { createCohort(input: { name: "Dead", featureKey: "dead", capacity: 1 }) { ... on CreateCohortPayload { cohort { id } } } }`, {}, "admin");
    await app.gql(`mutation ($id: ID!) { joinCohort(input: { cohortId: $id }) { __typename } }`, { id: cohort.data.createCohort.cohort.id }, await app.memberToken("x"));
    await kickWebhookDelivery(app);
    const rows = await app.db.webhookDelivery.findMany({ where: { subscriptionId: Buffer.from(deadId, "base64").toString().split(":")[1] } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.lastStatusCode).toBeNull();
    expect(rows[0]!.lastError).toMatch(/ECONNREFUSED|fetch failed/);
    const del = await app.gql(`mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { __typename ... on DeleteWebhookPayload { deletedId } } }`, { id: deadId }, "admin");
    expect(del.data.deleteWebhook).toEqual({ __typename: "DeleteWebhookPayload", deletedId: deadId });
    expect(await app.db.webhookDelivery.count({ where: { subscriptionId: Buffer.from(deadId, "base64").toString().split(":")[1] } })).toBe(0);
  });
});
