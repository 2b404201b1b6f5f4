// Referrals: SUBMITTED -> QUALIFIED -> CONVERTED (with a value; points to the referrer), or LOST.
import type { Referral, ReferralStatus } from "../../gen/sqlite/client.ts";
import { isUniqueViolation, type Db } from "../../db.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { emitEvent } from "../events.ts";
import { appendPoints } from "../points.ts";
import { evaluateRuleBadges } from "./badges.ts";
import { LEDGER_TX, scopesOf } from "./record.ts";
import { defaultPoints } from "./rules.ts";
import { ensureUser, type Changed, type WriteContext } from "./shared.ts";

const NEXT: Record<ReferralStatus, ReferralStatus[]> = {
  SUBMITTED: ["QUALIFIED", "LOST"],
  QUALIFIED: ["CONVERTED", "LOST"],
  CONVERTED: [],
  LOST: [],
};

export interface ReferralInput {
  userId?: string | null;
  externalId?: string | null;
  programId?: string | null;
  contactName: string;
  contactEmail?: string | null;
  company?: string | null;
}

/** Members refer as themselves; integrators name the referrer. A repeated externalId returns the first. */
export async function submitReferral(w: WriteContext, input: ReferralInput) {
  const caller = w.caller;
  let referrerExternalId: string;
  if (caller.kind === "member") {
    if (input.userId && input.userId !== caller.externalId) throw new ForbiddenError("members submit referrals only as themselves");
    referrerExternalId = caller.externalId;
  } else {
    if (!input.userId) throw new ValidationError("is required for API keys and admins", "input.userId");
    referrerExternalId = input.userId;
  }
  if (input.externalId) {
    const existing = await w.db.referral.findUnique({ where: { externalId: input.externalId } });
    if (existing) return existing;
  }
  if (input.programId && !(await w.db.program.findUnique({ where: { id: input.programId }, select: { id: true } }))) {
    throw new NotFoundError("Program", input.programId);
  }
  const referrer = await ensureUser(w.db, referrerExternalId);
  try {
    return await w.db.$transaction(async (tx) => {
      const referral = await tx.referral.create({
        data: {
          externalId: input.externalId ?? null,
          referrerId: referrer.id,
          programId: input.programId ?? null,
          contactName: input.contactName,
          contactEmail: input.contactEmail ?? null,
          company: input.company ?? null,
        },
      });
      await recordAudit(tx, caller, w.requestId, { action: "referral.submit", targetType: "Referral", targetId: referral.id, after: referral });
      return referral;
    });
  } catch (error) {
    if (isUniqueViolation(error) && input.externalId) {
      const winner = await w.db.referral.findUnique({ where: { externalId: input.externalId } });
      if (winner) return winner;
    }
    throw error;
  }
}

export async function updateReferralStatus(
  w: WriteContext,
  input: { id: string; status: ReferralStatus; value?: number | null; currency?: string | null; reason?: string | null },
): Promise<{ referral: Referral } & Changed> {
  if (input.status === "CONVERTED" && (input.value === null || input.value === undefined)) {
    throw new ValidationError("is required when converting", "input.value");
  }
  return w.db.$transaction(async (tx) => {
    const before = await tx.referral.findUnique({ where: { id: input.id } });
    if (!before) throw new NotFoundError("Referral", input.id);
    if (!NEXT[before.status].includes(input.status)) {
      throw new ConflictError(`a ${before.status} referral cannot become ${input.status}`, "input.status");
    }
    const moved = await tx.referral.updateMany({
      where: { id: before.id, status: before.status },
      data: {
        status: input.status,
        ...(input.status === "CONVERTED" ? { value: input.value, currency: input.currency ?? null, convertedAt: new Date() } : {}),
        ...(input.status === "LOST" ? { lostReason: input.reason ?? null } : {}),
      },
    });
    if (moved.count === 0) throw new ConflictError("the referral changed meanwhile", "input.id");
    const referral = await tx.referral.findUniqueOrThrow({ where: { id: before.id } });
    let scopes: string[] = [];
    if (referral.status === "CONVERTED") {
      const points = await defaultPoints(tx, "REFERRAL");
      if (points !== 0) {
        await appendPoints(tx, w.dialect, {
          userId: referral.referrerId,
          points,
          reason: "REFERRAL_CONVERSION",
          occurredAt: referral.convertedAt!,
          programId: referral.programId,
          note: `Referral ${referral.contactName}${referral.company ? ` (${referral.company})` : ""} converted`,
        });
        scopes = scopesOf(referral.programId);
      }
      await evaluateRuleBadges(tx, w.dialect, referral.referrerId, referral.programId);
      const referrer = await tx.user.findUniqueOrThrow({ where: { id: referral.referrerId }, select: { externalId: true } });
      await emitEvent(tx, "referral.converted", { id: referral.id, userId: referrer.externalId, value: referral.value, currency: referral.currency, points });
    }
    await recordAudit(tx, w.caller, w.requestId, { action: "referral.status", targetType: "Referral", targetId: referral.id, before, after: referral, reason: input.reason ?? null });
    return { referral, scopes };
  }, LEDGER_TX);
}

/** Conversion rate = converted / all referrals submitted in the program; also the rate among closed ones. */
export async function referralStats(db: Db, programId: string | null) {
  const groups = await db.referral.groupBy({
    by: ["status"],
    where: programId ? { programId } : {},
    _count: { _all: true },
    _sum: { value: true },
  });
  const count = (s: ReferralStatus) => groups.find((g) => g.status === s)?._count._all ?? 0;
  const total = groups.reduce((n, g) => n + g._count._all, 0);
  const converted = count("CONVERTED");
  const lost = count("LOST");
  return {
    total,
    submitted: count("SUBMITTED"),
    qualified: count("QUALIFIED"),
    converted,
    lost,
    conversionRate: total === 0 ? 0 : converted / total,
    closedConversionRate: converted + lost === 0 ? 0 : converted / (converted + lost),
    convertedValue: groups.find((g) => g.status === "CONVERTED")?._sum.value ?? 0,
  };
}
