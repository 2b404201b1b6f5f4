// Usage analytics: ingestion, features, engagement metrics and per-user usage on `User`.
import { z } from "zod";
import DataLoader from "dataloader";
import { builder } from "../builder.ts";
import { ErrorInterface } from "./errors.ts";
import { UserRef } from "./users.ts";
import { ValidationError } from "../errors.ts";
import { isoDateOf } from "../domain/days.ts";
import { ingestUsage } from "../domain/usage/ingest.ts";
import { MAX_EVENTS_PER_BATCH, UsageBatchError, type UsageEventInput as EventInput, type UsageIssue } from "../domain/usage/events.ts";
import { engagement, engagementSeries, featureAdoption, powerUserCurve, type Engagement, type EngagementDay, type FeatureAdoption, type PowerUserCurve } from "../domain/usage/metrics.ts";
import { userUsageMetrics, EMPTY_USAGE, type UserUsage } from "../domain/usage/user-metrics.ts";
import { upsertFeature } from "../domain/usage/features.ts";
import { checkWindowDays, dayArg, MAX_SERIES_DAYS, MAX_WINDOW_DAYS } from "../domain/usage/window.ts";
import "../domain/usage/retention.ts";
import type { Context } from "../context.ts";

/** Aggregate metrics: admins, `read` keys and `metrics:read` keys (no personal data in them). */
const METRICS_SCOPES = { admin: true, key: "read", $any: { key: "metrics:read" } } as const;

// ---------- ingestion ----------

const UsageIssueRef = builder.objectRef<UsageIssue>("UsageIssue").implement({
  authScopes: { public: true },
  description: "Why one event of a batch was refused.",
  fields: (t) => ({
    index: t.exposeInt("index", { description: "The event's position in `events` (0-based)." }),
    field: t.exposeString("field"),
    reason: t.exposeString("reason"),
  }),
});

builder.objectType(UsageBatchError, {
  name: "UsageBatchError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  description: "The batch was refused because of the events listed in `issues`; nothing was written.",
  fields: (t) => ({
    issues: t.field({ type: [UsageIssueRef], resolve: (e) => e.issues }),
  }),
});

const UsageEventInput = builder.inputType("UsageEventInput", {
  description: "One usage event. Checked in the resolver so every bad event is reported with its index.",
  fields: (t) => ({
    userId: t.string({ description: "The host's externalId for the person; unknown people are created." }),
    feature: t.string({ description: "The feature's key (at most 200 characters); unknown features are created." }),
    occurredAt: t.string({ description: "ISO 8601 instant with a time zone, e.g. 2026-11-27T10:00:00Z; at most a day in the future." }),
    eventId: t.string({ description: "Idempotency key (at most 200 characters): an event already received is a duplicate." }),
    sessionId: t.string({ required: false, description: "Sessions are counted distinct per user and day." }),
    properties: t.field({ type: "JSON", required: false, description: "Free JSON, at most 4 KB." }),
  }),
});

const IngestUsageInput = builder.inputType("IngestUsageInput", {
  fields: (t) => ({
    events: t.field({ type: [UsageEventInput], description: `At most ${MAX_EVENTS_PER_BATCH} events a call.` }),
  }),
});

const IngestUsagePayload = builder.objectRef<{ accepted: number; duplicates: number }>("IngestUsagePayload").implement({
  authScopes: { public: true },
  fields: (t) => ({
    accepted: t.exposeInt("accepted", { description: "Events written for the first time." }),
    duplicates: t.exposeInt("duplicates", { description: "Events already received (by eventId), ignored." }),
  }),
});

builder.mutationField("ingestUsage", (t) =>
  t.field({
    type: IngestUsagePayload,
    description:
      "Record usage events, all or nothing, idempotent by eventId (within the retention window). Rollups are updated in the same transaction.",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "usage:write", $any: { key: "write" } },
    errors: { types: [UsageBatchError] },
    args: { input: t.arg({ type: IngestUsageInput }) },
    resolve: (_root, { input }, ctx) =>
      ingestUsage(ctx.db, ctx.dialect, input.events as EventInput[], { audit: { caller: ctx.caller, requestId: ctx.requestId } }),
  }),
);

// ---------- features ----------

export const FeatureRef = builder.prismaNode("Feature", {
  id: { field: "id" },
  authScopes: { public: true },
  description: "A feature of the host product, created on first sight by usage ingest; admins name it and mark it advanced.",
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    advanced: t.exposeBoolean("advanced", { description: "Counts toward `advancedFeatures` in per-user usage." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("features", (t) =>
  t.prismaConnection({
    type: "Feature",
    cursor: "key",
    description: "Every known feature, by key.",
    skipTypeScopes: true,
    authScopes: METRICS_SCOPES,
    args: { advanced: t.arg.boolean({ required: false, description: "Only advanced (true) or only other (false) features." }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.feature.findMany({ ...query, where: args.advanced == null ? {} : { advanced: args.advanced }, orderBy: { key: "asc" } }),
  }),
);

const featureKeySchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

const UpsertFeatureInput = builder.inputType("UpsertFeatureInput", {
  fields: (t) => ({
    key: t.string({ validate: featureKeySchema }),
    name: t.string({ required: false, validate: z.string().trim().min(1).max(200) }),
    description: t.string({ required: false, validate: z.string().max(2000) }),
    advanced: t.boolean({ required: false }),
  }),
});

const UpsertFeaturePayload = builder.objectRef<{ feature: Awaited<ReturnType<typeof upsertFeature>> }>("UpsertFeaturePayload").implement({
  authScopes: { public: true },
  fields: (t) => ({ feature: t.field({ type: FeatureRef, resolve: (p) => p.feature }) }),
});

builder.mutationField("upsertFeature", (t) =>
  t.field({
    type: UpsertFeaturePayload,
    description: "Create or describe a feature by key (admins and `write` keys).",
    skipTypeScopes: true,
    authScopes: { admin: true, key: "write" },
    errors: {},
    args: { input: t.arg({ type: UpsertFeatureInput }) },
    resolve: async (_root, { input }, ctx) => ({ feature: await upsertFeature(ctx.db, ctx.caller, ctx.requestId, input) }),
  }),
);

// ---------- workspace metrics ----------

const windowArg = z.number().int().min(1, `must be from 1 to ${MAX_WINDOW_DAYS}`).max(MAX_WINDOW_DAYS, `must be from 1 to ${MAX_WINDOW_DAYS}`);

const EngagementRef = builder.objectRef<Engagement>("Engagement").implement({
  authScopes: { public: true },
  description: "Active users in UTC-day windows ending on and including `asOf`.",
  fields: (t) => ({
    dau: t.exposeInt("dau", { description: "Users active on asOf." }),
    wau: t.exposeInt("wau", { description: "Users active in the 7 days ending on asOf." }),
    mau: t.exposeInt("mau", { description: "Users active in the 30 days ending on asOf." }),
    stickiness: t.exposeFloat("stickiness", { description: "Mean daily active users over the 30-day window / mau; 0 when mau is 0." }),
  }),
});

const EngagementDayRef = builder.objectRef<EngagementDay>("EngagementDay").implement({
  authScopes: { public: true },
  fields: (t) => ({
    date: t.field({ type: "Date", resolve: (d) => isoDateOf(d.day) }),
    dau: t.exposeInt("dau"),
    wau: t.exposeInt("wau"),
    mau: t.exposeInt("mau"),
    stickiness: t.exposeFloat("stickiness"),
  }),
});

const PowerUserBucketRef = builder.objectRef<PowerUserCurve["buckets"][number]>("PowerUserBucket").implement({
  authScopes: { public: true },
  fields: (t) => ({
    activeDays: t.exposeInt("activeDays"),
    users: t.exposeInt("users", { description: "Users active on exactly `activeDays` distinct days of the window." }),
  }),
});

const PowerUserCurveRef = builder.objectRef<PowerUserCurve>("PowerUserCurve").implement({
  authScopes: { public: true },
  fields: (t) => ({
    windowDays: t.exposeInt("windowDays"),
    buckets: t.field({ type: [PowerUserBucketRef], description: "One bucket for every k in 1..windowDays, zeros included.", resolve: (c) => c.buckets }),
  }),
});

const FeatureAdoptionRef = builder.objectRef<FeatureAdoption>("FeatureAdoption").implement({
  authScopes: { public: true },
  fields: (t) => ({
    feature: t.field({ type: FeatureRef, resolve: (a) => a.feature }),
    users: t.exposeInt("users", { description: "Distinct users of the feature in the window." }),
    share: t.exposeFloat("share", { description: "users / users active in the window." }),
    powerUserShare: t.exposeFloat("powerUserShare", {
      description: "Share of the window's power users (active on at least half its days) who used the feature.",
    }),
  }),
});

type AdoptionReport = Awaited<ReturnType<typeof featureAdoption>>;

const FeatureAdoptionReportRef = builder.objectRef<AdoptionReport>("FeatureAdoptionReport").implement({
  authScopes: { public: true },
  fields: (t) => ({
    windowDays: t.exposeInt("windowDays"),
    activeUsers: t.exposeInt("activeUsers", { description: "Users active in the window." }),
    powerUsers: t.exposeInt("powerUsers", { description: "Users active on at least `powerUserMinDays` days of the window." }),
    powerUserMinDays: t.exposeInt("powerUserMinDays", { description: "Half the window, rounded up." }),
    features: t.field({ type: [FeatureAdoptionRef], description: "Every feature, most used first.", resolve: (r) => r.features }),
  }),
});

builder.queryFields((t) => ({
  engagement: t.field({
    type: EngagementRef,
    description: "DAU, WAU, MAU and stickiness as of a UTC day.",
    skipTypeScopes: true,
    authScopes: METRICS_SCOPES,
    errors: {},
    args: { asOf: t.arg({ type: "Date" }) },
    resolve: (_root, args, ctx) => engagement(ctx.db, dayArg(args.asOf, "asOf")),
  }),
  powerUserCurve: t.field({
    type: PowerUserCurveRef,
    description: "For each k in 1..windowDays, the users active on exactly k days of the window ending on asOf (L7, L30, ...).",
    skipTypeScopes: true,
    authScopes: METRICS_SCOPES,
    errors: {},
    args: {
      asOf: t.arg({ type: "Date" }),
      windowDays: t.arg.int({ required: false, defaultValue: 30, validate: windowArg }),
    },
    resolve: (_root, args, ctx) => powerUserCurve(ctx.db, dayArg(args.asOf, "asOf"), checkWindowDays(args.windowDays ?? 30)),
  }),
  engagementSeries: t.field({
    type: [EngagementDayRef],
    description: `Engagement for every day from \`from\` to \`to\` (inclusive, at most ${MAX_SERIES_DAYS} days), for charts.`,
    skipTypeScopes: true,
    authScopes: METRICS_SCOPES,
    errors: {},
    args: { from: t.arg({ type: "Date" }), to: t.arg({ type: "Date" }) },
    resolve: (_root, args, ctx) => {
      const from = dayArg(args.from, "from");
      const to = dayArg(args.to, "to");
      if (to < from) throw new ValidationError("must not be before `from`", "to");
      if (to - from + 1 > MAX_SERIES_DAYS) throw new ValidationError(`the range may cover at most ${MAX_SERIES_DAYS} days`, "to");
      return engagementSeries(ctx.db, from, to);
    },
  }),
  featureAdoption: t.field({
    type: FeatureAdoptionReportRef,
    description: "Users per feature in the window ending on asOf, their share of active users and of power users.",
    skipTypeScopes: true,
    authScopes: METRICS_SCOPES,
    errors: {},
    args: {
      asOf: t.arg({ type: "Date" }),
      windowDays: t.arg.int({ required: false, defaultValue: 30, validate: windowArg }),
    },
    resolve: (_root, args, ctx) => featureAdoption(ctx.db, dayArg(args.asOf, "asOf"), checkWindowDays(args.windowDays ?? 30)),
  }),
}));

// ---------- per-user usage on User ----------

const UserUsageRef = builder.objectRef<UserUsage & { windowDays: number; asOf: number }>("UserUsage").implement({
  authScopes: { public: true },
  description: "One person's usage in the window of `windowDays` UTC days ending on `asOf`.",
  fields: (t) => ({
    asOf: t.field({ type: "Date", resolve: (u) => isoDateOf(u.asOf) }),
    windowDays: t.exposeInt("windowDays"),
    activeDays: t.exposeInt("activeDays", { description: "Distinct days with activity." }),
    featureBreadth: t.exposeInt("featureBreadth", { description: "Distinct features used." }),
    advancedFeatures: t.exposeInt("advancedFeatures", { description: "Distinct advanced features used." }),
    sessions: t.exposeInt("sessions", { description: "Distinct sessions per day, summed over the window's days." }),
    events: t.exposeInt("events"),
    lastActiveAt: t.expose("lastActiveAt", { type: "DateTime", nullable: true, description: "The latest event ever received for the person." }),
  }),
});

/** One loader per request and window, so a list of users costs three statements, not 3 per user. */
const usageLoaders = new WeakMap<Context, Map<string, DataLoader<string, UserUsage>>>();
function usageLoader(ctx: Context, asOf: number, windowDays: number) {
  let byWindow = usageLoaders.get(ctx);
  if (!byWindow) usageLoaders.set(ctx, (byWindow = new Map()));
  const key = `${asOf}:${windowDays}`;
  let loader = byWindow.get(key);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const usage = await userUsageMetrics(ctx.db, ids, asOf, windowDays);
      return ids.map((id) => usage.get(id) ?? { ...EMPTY_USAGE, lastActiveAt: null });
    });
    byWindow.set(key, loader);
  }
  return loader;
}

builder.objectField(UserRef, "usage", (t) =>
  t.field({
    type: UserUsageRef,
    description: "Usage in a window (default: the 30 days ending today, UTC). Visible to the person, admins and `read` keys.",
    authScopes: (user) => ({ admin: true, key: "read", self: user.externalId }),
    errors: {},
    args: {
      asOf: t.arg({ type: "Date", required: false, description: "Last day of the window; default today (UTC)." }),
      windowDays: t.arg.int({ required: false, defaultValue: 30, validate: windowArg }),
    },
    resolve: async (user, args, ctx) => {
      const asOf = dayArg(args.asOf, "asOf");
      const windowDays = checkWindowDays(args.windowDays ?? 30);
      const usage = await usageLoader(ctx, asOf, windowDays).load(user.id);
      return { ...usage, asOf, windowDays };
    },
  }),
);

