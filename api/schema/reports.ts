// Program reports for admins and `read` keys: numbers as a typed object, and a Markdown digest.
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import { DomainError } from "../errors.ts";
import { programReport, type ProgramReport } from "../domain/reports/program-report.ts";
import { programDigest } from "../domain/reports/digest.ts";

type R = ProgramReport;
const reader = { admin: true, key: "read" as const };
const obj = <T extends object>(name: string, fields: Parameters<ReturnType<typeof builder.objectRef<T>>["implement"]>[0]["fields"]) =>
  builder.objectRef<T>(name).implement({ authScopes: reader, fields });

const TierCount = obj<R["members"]["byTier"][number]>("TierCount", (t) => ({
  tier: t.exposeString("tier", { nullable: true, description: "Null: members without a tier yet." }),
  rank: t.exposeInt("rank", { nullable: true }),
  count: t.exposeInt("count"),
}));
const MembersReport = obj<R["members"]>("MembersReport", (t) => ({
  total: t.exposeInt("total"),
  byTier: t.field({ type: [TierCount], resolve: (m) => m.byTier }),
  active: t.exposeInt("active", { description: "Members active on at least one day of the period." }),
  activeShare: t.exposeFloat("activeShare"),
  newInPeriod: t.exposeInt("newInPeriod"),
}));
const ContributionsReport = obj<R["contributions"]>("ContributionsReport", (t) => ({
  total: t.exposeInt("total"),
  perMember: t.exposeFloat("perMember"),
  points: t.exposeInt("points"),
  pointsPerMember: t.exposeFloat("pointsPerMember"),
}));
const ShippedItem = obj<R["feedback"]["shipped"][number]>("ShippedFeedbackItem", (t) => ({
  id: t.exposeString("id"),
  title: t.exposeString("title"),
  voteCount: t.exposeInt("voteCount"),
  closedAt: t.expose("closedAt", { type: "DateTime" }),
}));
const FeedbackLoopReport = obj<R["feedback"]>("FeedbackLoopReport", (t) => ({
  received: t.exposeInt("received"),
  withFinalStatus: t.exposeInt("withFinalStatus"),
  finalShare: t.exposeFloat("finalShare", { description: "Share of items received in the period that reached SHIPPED, DECLINED or DUPLICATE." }),
  medianHoursToAcknowledge: t.exposeFloat("medianHoursToAcknowledge", { nullable: true }),
  shipped: t.field({ type: [ShippedItem], resolve: (f) => f.shipped }),
}));
const CohortFill = obj<R["cohorts"][number]>("CohortFill", (t) => ({
  cohortId: t.exposeString("id"),
  name: t.exposeString("name"),
  featureKey: t.exposeString("featureKey"),
  capacity: t.exposeInt("capacity"),
  accepted: t.exposeInt("accepted"),
  waitlisted: t.exposeInt("waitlisted"),
  fill: t.exposeFloat("fill"),
}));
const ReferralReport = obj<R["referrals"]>("ReferralReport", (t) => ({
  total: t.exposeInt("total"),
  converted: t.exposeInt("converted"),
  conversionRate: t.exposeFloat("conversionRate"),
  convertedValue: t.exposeFloat("convertedValue"),
}));
const EngagementComparison = obj<R["engagement"]>("EngagementComparison", (t) => ({
  memberMedianActiveDays: t.exposeFloat("memberMedianActiveDays"),
  nonMemberMedianActiveDays: t.exposeFloat("nonMemberMedianActiveDays"),
  members: t.exposeInt("members"),
  nonMembers: t.exposeInt("nonMembers"),
}));
const ProgramReportRef = obj<R>("ProgramReport", (t) => ({
  from: t.field({ type: "Date", resolve: (r) => r.from }),
  to: t.field({ type: "Date", resolve: (r) => r.to }),
  programName: t.exposeString("programName"),
  members: t.field({ type: MembersReport, resolve: (r) => r.members }),
  contributions: t.field({ type: ContributionsReport, resolve: (r) => r.contributions }),
  feedback: t.field({ type: FeedbackLoopReport, resolve: (r) => r.feedback }),
  cohorts: t.field({ type: [CohortFill], resolve: (r) => r.cohorts }),
  referrals: t.field({ type: ReferralReport, resolve: (r) => r.referrals }),
  engagement: t.field({ type: EngagementComparison, resolve: (r) => r.engagement }),
}));

builder.queryFields((t) => ({
  programReport: t.field({
    type: ProgramReportRef,
    description: "Program health over [from, to] (UTC days, both included).",
    skipTypeScopes: true,
    authScopes: reader,
    args: { programId: t.arg.globalID(), from: t.arg({ type: "Date" }), to: t.arg({ type: "Date" }) },
    resolve: (_root, args, ctx) => asGraphQLError(programReport(ctx.db, args.programId.id, args.from, args.to)),
  }),
  programDigest: t.string({
    description: "The report for the Monday-to-Sunday week containing `weekOf`, as Markdown for a newsletter.",
    skipTypeScopes: true,
    authScopes: reader,
    args: { programId: t.arg.globalID(), weekOf: t.arg({ type: "Date" }) },
    resolve: (_root, args, ctx) => asGraphQLError(programDigest(ctx.db, args.programId.id, args.weekOf)),
  }),
}));

/** Queries have no result union: a domain error (unknown program, bad period) becomes a coded GraphQL error. */
async function asGraphQLError<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError) throw new GraphQLError(e.message, { extensions: { code: e.code } });
    throw e;
  }
}
