import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { parseIsoDate } from "../../api/domain/days.ts";

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
const day = (iso: string) => parseIsoDate(iso)!;

const REPORT = /* GraphQL */ `
  query ($id: ID!, $from: Date!, $to: Date!) {
    programReport(programId: $id, from: $from, to: $to) {
      programName
      members { total active activeShare newInPeriod byTier { tier rank count } }
      contributions { total perMember points pointsPerMember }
      feedback { received withFinalStatus finalShare medianHoursToAcknowledge shipped { title voteCount } }
      cohorts { name capacity accepted waitlisted fill }
      referrals { total converted conversionRate convertedValue }
      engagement { memberMedianActiveDays nonMemberMedianActiveDays members nonMembers }
    }
  }
`;

describe("program reports", () => {
  let app: TestApp;
  let programId = "";
  beforeAll(async () => {
    app = await createTestApp();
    const db = app.db;
    const program = await db.program.create({ data: { slug: "champions", name: "Champions", kind: "CHAMPIONS" } });
    programId = program.id;
    const gold = await db.tier.create({ data: { programId, name: "Gold", rank: 2 } });
    const silver = await db.tier.create({ data: { programId, name: "Silver", rank: 1 } });
    const users = await Promise.all(["m1", "m2", "m3", "n1", "n2"].map((externalId) => db.user.create({ data: { externalId, displayName: externalId.toUpperCase(), firstSeenAt: new Date("2026-01-01T00:00:00Z") } })));
    const [m1, m2, m3, n1] = users;
    await db.membership.create({ data: { programId, userId: m1!.id, source: "CRITERIA", tierId: gold.id, joinedAt: new Date("2026-11-17T10:00:00Z") } });
    await db.membership.create({ data: { programId, userId: m2!.id, source: "CRITERIA", tierId: silver.id, joinedAt: new Date("2026-10-01T10:00:00Z") } });
    await db.membership.create({ data: { programId, userId: m3!.id, source: "SELF", joinedAt: new Date("2026-10-01T10:00:00Z") } });
    // Week of Mon 2026-11-16 .. Sun 2026-11-22. m1 active 5 days, m2 3 days, m3 none; n1 1 day, n2 none.
    const days: [{ id: string }, number][] = [...[16, 17, 18, 19, 20].map((d) => [m1!, d] as [{ id: string }, number]), ...[16, 17, 18].map((d) => [m2!, d] as [{ id: string }, number]), [n1!, 16], [m1!, 10]];
    await db.userDay.createMany({ data: days.map(([u, d]) => ({ userId: u.id, day: day(`2026-11-${String(d).padStart(2, "0")}`), events: 3 })) });
    for (const [u, pts, i] of [[m1!, 10, 1], [m1!, 5, 2], [m2!, 7, 3]] as const) {
      const c = await db.contribution.create({ data: { externalId: `c${i}`, userId: u.id, programId, kind: "ANSWER", points: pts, occurredAt: new Date("2026-11-18T12:00:00Z") } });
      await db.pointsEntry.create({ data: { userId: u.id, contributionId: c.id, programId, points: pts, reason: "CONTRIBUTION", occurredAt: c.occurredAt } });
    }
    const created = new Date("2026-11-16T08:00:00Z");
    await db.feedback.create({ data: { authorId: m1!.id, kind: "IDEA", title: "Shipped thing", body: "b", programId, status: "SHIPPED", voteCount: 4, createdAt: created, acknowledgedAt: new Date("2026-11-16T10:00:00Z"), closedAt: new Date("2026-11-19T00:00:00Z") } });
    await db.feedback.create({ data: { authorId: m2!.id, kind: "BUG", title: "Open bug", body: "b", status: "ACKNOWLEDGED", createdAt: created, acknowledgedAt: new Date("2026-11-16T12:00:00Z") } });
    await db.feedback.create({ data: { authorId: m2!.id, kind: "QUESTION", title: "New q", body: "b", createdAt: created } });
    await db.feedback.create({ data: { authorId: n1!.id, kind: "IDEA", title: "Not in program", body: "b", createdAt: created } });
    await db.cohort.create({ data: { name: "Beta", featureKey: "beta", programId, capacity: 10, acceptedCount: 4 } });
    await db.referral.createMany({
      data: [
        { referrerId: m1!.id, programId, contactName: "A", status: "CONVERTED", value: 1200, createdAt: new Date("2026-11-17T00:00:00Z") },
        { referrerId: m1!.id, programId, contactName: "B", status: "SUBMITTED", createdAt: new Date("2026-11-17T00:00:00Z") },
      ],
    });
  });
  afterAll(() => app.close());

  it("reports members by tier, activity, contributions, the feedback loop, cohort fill, referrals and engagement", async () => {
    const r = await app.gql(REPORT, { id: gid("Program", programId), from: "2026-11-16", to: "2026-11-22" }, "admin");
    expect(r.errors).toBeUndefined();
    const report = r.data.programReport;
    expect(report.members).toEqual({
      total: 3,
      active: 2,
      activeShare: 0.667,
      newInPeriod: 1,
      byTier: [
        { tier: "Gold", rank: 2, count: 1 },
        { tier: "Silver", rank: 1, count: 1 },
        { tier: null, rank: null, count: 1 },
      ],
    });
    expect(report.contributions).toEqual({ total: 3, perMember: 1, points: 22, pointsPerMember: 7.333 });
    expect(report.feedback).toEqual({ received: 3, withFinalStatus: 1, finalShare: 0.333, medianHoursToAcknowledge: 3, shipped: [{ title: "Shipped thing", voteCount: 4 }] });
    expect(report.cohorts).toEqual([{ name: "Beta", capacity: 10, accepted: 4, waitlisted: 0, fill: 0.4 }]);
    expect(report.referrals).toEqual({ total: 2, converted: 1, conversionRate: 0.5, convertedValue: 1200 });
    expect(report.engagement).toEqual({ memberMedianActiveDays: 3, nonMemberMedianActiveDays: 0.5, members: 3, nonMembers: 2 });
  });

  it("writes a Markdown digest for the week containing weekOf", async () => {
    const r = await app.gql(`query ($id: ID!) { programDigest(programId: $id, weekOf: "2026-11-19") }`, { id: gid("Program", programId) }, "admin");
    expect(r.errors).toBeUndefined();
    const md: string = r.data.programDigest;
    expect(md).toContain("# Champions: week of 2026-11-16");
    expect(md).toContain("**3 members** (1 new this week), 67% active");
    expect(md).toContain("1. M1: 15 points");
    expect(md).toContain("- Shipped thing (4 votes)");
    expect(md).toContain("- Beta: 4/10 seats taken (40%)");
  });

  it("refuses a period that ends before it starts, and members", async () => {
    const bad = await app.gql(REPORT, { id: gid("Program", programId), from: "2026-11-22", to: "2026-11-16" }, "admin");
    expect(bad.errors?.[0]?.message).toMatch(/to: must not be before from/);
    const member = await app.gql(REPORT, { id: gid("Program", programId), from: "2026-11-16", to: "2026-11-22" }, await app.memberToken("m1"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const missing = await app.gql(REPORT, { id: gid("Program", "nope"), from: "2026-11-16", to: "2026-11-22" }, "admin");
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});
