// Invitations: a personal message rendered from the program's template with the evidence
// of why this person was chosen, sent (as an `invitation.created` event for the host to
// deliver), accepted or declined by the person, and expired by a background job.
import type { Db, Dialect } from "../../db.ts";
import type { Invitation, Program, User } from "../../gen/sqlite/client.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { dayOf } from "../days.ts";
import { emitEvent } from "../events.ts";
import { notify } from "../notifications.ts";
import { registerJob } from "../../jobs.ts";
import { evaluateCriteria, parseCriteria, type Explanation, type Metric } from "../criteria/index.ts";
import { joinProgram, requireProgram, requireUser, type Actor } from "./memberships.ts";

export const DEFAULT_TEMPLATE =
  "Hi {{firstName}}, you stood out: {{evidence}}. We would love to have you in {{program.name}}.";

const METRIC_PLACEHOLDERS: Partial<Record<Metric, string>> = {
  ACTIVE_DAYS: "activeDays",
  FEATURE_BREADTH: "featureBreadth",
  ADVANCED_FEATURES: "advancedFeatures",
  SESSIONS: "sessions",
  POINTS: "points",
  CONTRIBUTIONS: "contributions",
  TENURE_DAYS: "tenureDays",
  TIER_AT_LEAST: "tierRank",
};
export const PLACEHOLDERS = [
  "firstName", "lastName", "displayName", "program.name", "program.description", "evidence", "expiresOn",
  "featuresTotal", "advancedFeaturesTotal", ...Object.values(METRIC_PLACEHOLDERS),
] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;

/** Refuses templates with unknown placeholders (a typo would reach a real person verbatim). */
export function checkTemplate(template: string, field: string) {
  if (template.length > 5000) throw new ValidationError("at most 5000 characters", field);
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) throw new ValidationError(`unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(", ")}; known: ${PLACEHOLDERS.join(", ")}`, field);
}

/** The person's evidence: the program criteria explained, plus the standard metrics (30 days, points and contributions all time). */
export async function evidenceFor(db: Db, dialect: Dialect, program: Program, user: User) {
  const asOfDay = dayOf(new Date());
  const explanation = await evaluateCriteria(db, dialect, user.id, parseCriteria(program.criteria), { asOfDay, programId: program.id });
  const standard = await evaluateCriteria(db, dialect, user.id, parseCriteria({ all: [
    { metric: "ACTIVE_DAYS", value: 0 }, { metric: "FEATURE_BREADTH", value: 0 }, { metric: "ADVANCED_FEATURES", value: 0 },
    { metric: "SESSIONS", value: 0 }, { metric: "POINTS", value: 0 }, { metric: "CONTRIBUTIONS", value: 0 }, { metric: "TENURE_DAYS", value: 0 },
  ] }), { asOfDay, programId: program.id });
  const values: Record<string, number> = {};
  for (const c of standard.conditions) values[METRIC_PLACEHOLDERS[c.metric]!] = c.actual ?? 0;
  // The program's own windows win: "active 27 of the last 30 days" should match the criteria.
  for (const c of [...explanation.conditions].reverse()) {
    const key = METRIC_PLACEHOLDERS[c.metric];
    if (key && c.actual !== null) values[key] = c.actual;
  }
  const [featuresTotal, advancedFeaturesTotal] = await Promise.all([db.feature.count(), db.feature.count({ where: { advanced: true } })]);
  return { explanation, values: { ...values, featuresTotal, advancedFeaturesTotal } };
}

export function renderTemplate(template: string, program: Pick<Program, "name" | "description">, user: Pick<User, "displayName" | "externalId">, evidence: { explanation: Explanation; values: Record<string, number> }, expiresAt: Date) {
  const name = (user.displayName ?? "").trim();
  const [first, ...rest] = name ? name.split(/\s+/) : [user.externalId];
  const passed = evidence.explanation.conditions.filter((c) => c.passed).map((c) => c.label.replace(/ (>=|>|<=|<|=) [^:]*: /, ": "));
  const text: Record<string, string> = {
    firstName: first ?? "",
    lastName: rest.join(" "),
    displayName: name || user.externalId,
    "program.name": program.name,
    "program.description": program.description ?? "",
    evidence: passed.length ? passed.join(", ") : "your activity",
    expiresOn: expiresAt.toISOString().slice(0, 10),
    ...Object.fromEntries(Object.entries(evidence.values).map(([k, v]) => [k, String(v)])),
  };
  return template.replace(PLACEHOLDER, (whole, key: string) => text[key] ?? whole);
}

export interface InvitationDraft {
  program: Program;
  user: User;
  message: string;
  evidence: { explanation: Explanation; values: Record<string, number> };
  expiresAt: Date;
}

export async function draftInvitation(db: Db, dialect: Dialect, input: { programId: string; userId: string; template?: string | null; expiresInDays?: number | null }): Promise<InvitationDraft> {
  const program = await requireProgram(db, input.programId);
  const user = await requireUser(db, input.userId);
  const template = input.template ?? program.invitationTemplate ?? DEFAULT_TEMPLATE;
  checkTemplate(template, "input.template");
  const expiresAt = new Date(Date.now() + (input.expiresInDays ?? program.invitationExpiryDays) * 86_400_000);
  const evidence = await evidenceFor(db, dialect, program, user);
  return { program, user, message: renderTemplate(template, program, user, evidence, expiresAt), evidence, expiresAt };
}

/** Creates the invitation in the caller's transaction (sendInvitation and accepted nominations). */
export async function createInvitation(tx: Pick<Db, "invitation" | "membership" | "webhookSubscription" | "webhookDelivery" | "notification">, draft: InvitationDraft, createdBy: string | null, nominationId: string | null = null) {
  const open = await tx.invitation.findFirst({ where: { programId: draft.program.id, userId: draft.user.id, status: "SENT", expiresAt: { gt: new Date() } } });
  if (open) throw new ConflictError("this person already has an open invitation to the program", "input.userId");
  const member = await tx.membership.findUnique({ where: { programId_userId: { programId: draft.program.id, userId: draft.user.id } } });
  if (member && ["ACTIVE", "PAUSED"].includes(member.status)) throw new ConflictError("already a member of this program", "input.userId");
  const invitation = await tx.invitation.create({
    data: {
      programId: draft.program.id, userId: draft.user.id, message: draft.message, nominationId,
      evidence: JSON.parse(JSON.stringify(draft.evidence)), expiresAt: draft.expiresAt, createdBy,
    },
  });
  await emitEvent(tx, "invitation.created", {
    invitationId: invitation.id, programId: draft.program.id, program: draft.program.slug, userId: draft.user.externalId,
    email: draft.user.email, message: draft.message, expiresAt: draft.expiresAt.toISOString(), evidence: draft.evidence,
  });
  await notify(tx, [draft.user.id], { kind: "invitation", title: `You're invited to ${draft.program.name}`, body: draft.message, data: { invitationId: invitation.id } });
  return invitation;
}

export async function sendInvitation(actor: Actor, input: { programId: string; userId: string; template?: string | null; expiresInDays?: number | null }) {
  const draft = await draftInvitation(actor.db, actor.dialect, input);
  return actor.db.$transaction(async (tx) => {
    const invitation = await createInvitation(tx, draft, actor.caller.actor);
    await recordAudit(tx, actor.caller, actor.requestId, { action: "invitation.send", targetType: "Invitation", targetId: invitation.id, after: invitation });
    return invitation;
  });
}

/** The invitee accepts (an ACTIVE membership with source INVITATION) or declines. */
export async function respondToInvitation(actor: Actor, me: User, input: { invitationId: string; accept: boolean; reason?: string | null }): Promise<{ invitation: Invitation; membershipId: string | null }> {
  const invitation = await actor.db.invitation.findUnique({ where: { id: input.invitationId } });
  if (!invitation) throw new NotFoundError("Invitation", input.invitationId);
  if (invitation.userId !== me.id) throw new ForbiddenError("this invitation is for someone else");
  if (invitation.status === "SENT" && invitation.expiresAt <= new Date()) {
    await actor.db.invitation.update({ where: { id: invitation.id }, data: { status: "EXPIRED" } });
    throw new ConflictError("this invitation has expired", "input.invitationId");
  }
  if (invitation.status !== "SENT") throw new ConflictError(`this invitation is already ${invitation.status.toLowerCase()}`, "input.invitationId");
  return actor.db.$transaction(async (tx) => {
    const updated = await tx.invitation.update({ where: { id: invitation.id }, data: { status: input.accept ? "ACCEPTED" : "DECLINED", respondedAt: new Date() } });
    let membershipId: string | null = null;
    if (input.accept) {
      await requireProgram(tx, invitation.programId);
      const m = await joinProgram(tx, actor.dialect, invitation.programId, me.id, "INVITATION", { actor: actor.caller.actor });
      membershipId = m.id;
    }
    await recordAudit(tx, actor.caller, actor.requestId, { action: input.accept ? "invitation.accept" : "invitation.decline", targetType: "Invitation", targetId: invitation.id, reason: input.reason ?? null });
    return { invitation: updated, membershipId };
  });
}

/** An admin withdraws an open invitation (sent by mistake, or the person no longer fits). */
export async function revokeInvitation(actor: Actor, input: { invitationId: string; reason: string }) {
  const before = await actor.db.invitation.findUnique({ where: { id: input.invitationId } });
  if (!before) throw new NotFoundError("Invitation", input.invitationId);
  if (before.status !== "SENT") throw new ConflictError(`this invitation is already ${before.status.toLowerCase()}`, "input.invitationId");
  return actor.db.$transaction(async (tx) => {
    const invitation = await tx.invitation.update({ where: { id: before.id }, data: { status: "REVOKED", respondedAt: new Date() } });
    await recordAudit(tx, actor.caller, actor.requestId, { action: "invitation.revoke", targetType: "Invitation", targetId: before.id, before, after: invitation, reason: input.reason });
    return invitation;
  });
}

export async function expireInvitations(db: Db, now = new Date()) {
  const { count } = await db.invitation.updateMany({ where: { status: "SENT", expiresAt: { lte: now } }, data: { status: "EXPIRED" } });
  return count;
}

registerJob({ name: "invitations.expire", intervalMs: 10 * 60_000, run: async ({ db }) => void (await expireInvitations(db)) });
