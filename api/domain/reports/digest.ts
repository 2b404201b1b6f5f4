// The weekly digest: the program report for one Monday-to-Sunday week, as Markdown a
// community manager can paste into a newsletter. Names respect leaderboard opt-outs.
import type { Db } from "../../db.ts";
import { ValidationError } from "../../errors.ts";
import { isoDateOf, parseIsoDate, startOfDay } from "../days.ts";
import { programReport } from "./program-report.ts";

const pct = (x: number) => `${Math.round(x * 100)}%`;
/** Data goes into Markdown: keep it from starting links, emphasis or HTML. */
const md = (text: string) => text.replace(/([\\`*_[\]<>#|])/g, "\\$1").replace(/\s+/g, " ").trim();

export function weekBounds(weekOf: string) {
  const day = parseIsoDate(weekOf);
  if (day === null) throw new ValidationError("must be YYYY-MM-DD", "weekOf");
  const weekday = (startOfDay(day).getUTCDay() + 6) % 7; // Monday = 0
  const monday = day - weekday;
  return { from: isoDateOf(monday), to: isoDateOf(monday + 6) };
}

export async function programDigest(db: Db, programId: string, weekOf: string) {
  const { from, to } = weekBounds(weekOf);
  const r = await programReport(db, programId, from, to);
  const top = await db.pointsEntry.groupBy({
    by: ["userId"],
    where: { programId, occurredAt: { gte: startOfDay(parseIsoDate(from)!), lt: startOfDay(parseIsoDate(to)! + 1) } },
    _sum: { points: true },
    orderBy: { _sum: { points: "desc" } },
    take: 5,
  });
  const people = await db.user.findMany({ where: { id: { in: top.map((t) => t.userId) } } });
  const byId = new Map(people.map((p) => [p.id, p]));

  const lines: string[] = [];
  lines.push(`# ${md(r.programName)}: week of ${from}`, "");
  lines.push(
    `**${r.members.total} members** (${r.members.newInPeriod} new this week), ${pct(r.members.activeShare)} active. ` +
      `${r.contributions.total} contributions (${r.contributions.perMember} per member), ${r.contributions.points} points earned.`,
    "",
  );
  if (r.members.byTier.length) {
    lines.push("## Members by tier", "");
    for (const t of r.members.byTier) lines.push(`- ${t.tier ? md(t.tier) : "No tier yet"}: ${t.count}`);
    lines.push("");
  }
  if (top.length) {
    lines.push("## Top contributors", "");
    top.forEach((t, i) => {
      const u = byId.get(t.userId);
      const name = !u || u.erasedAt || !u.showOnLeaderboards ? "Anonymous member" : (u.displayName ?? u.externalId);
      lines.push(`${i + 1}. ${md(name)}: ${t._sum.points ?? 0} points`);
    });
    lines.push("");
  }
  lines.push("## You said, we did", "");
  lines.push(
    `${r.feedback.received} pieces of feedback this week; ${pct(r.feedback.finalShare)} already closed` +
      (r.feedback.medianHoursToAcknowledge !== null ? `, acknowledged in ${r.feedback.medianHoursToAcknowledge} h (median).` : "."),
  );
  if (r.feedback.shipped.length) {
    lines.push("", "Shipped:");
    for (const s of r.feedback.shipped) lines.push(`- ${md(s.title)} (${s.voteCount} votes)`);
  }
  lines.push("");
  if (r.cohorts.length) {
    lines.push("## Early access", "");
    for (const c of r.cohorts) {
      lines.push(`- ${md(c.name)}: ${c.accepted}/${c.capacity} seats taken (${pct(c.fill)})${c.waitlisted ? `, ${c.waitlisted} on the waitlist` : ""}`);
    }
    lines.push("");
  }
  if (r.referrals.total) {
    lines.push("## Referrals", "", `${r.referrals.total} referrals, ${r.referrals.converted} converted (${pct(r.referrals.conversionRate)}).`, "");
  }
  lines.push(
    `_Members were active a median of ${r.engagement.memberMedianActiveDays} of 7 days, against ${r.engagement.nonMemberMedianActiveDays} for everyone else._`,
    "",
  );
  return lines.join("\n");
}
