// Webhook signatures: `X-PU-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<body>", secret)>`.
// The timestamp inside the signed text lets a receiver refuse replays older than a few minutes.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export function newWebhookSecret() {
  return `whsec_${randomBytes(24).toString("hex")}`;
}

export function signPayload(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/** What a receiver does; exported for tests and for the integrator example. */
export function verifySignature(secret: string, body: string, header: string, toleranceSeconds = 300, now = Date.now()) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, body, t).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
