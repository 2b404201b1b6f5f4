import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { registeredJobs } from "../../api/jobs.ts";

const RECORD = /* GraphQL */ `
  mutation ($input: RecordContributionInput!) {
    recordContribution(input: $input) { __typename ... on RecordContributionPayload { contribution { id } } }
  }
`;
const CREATE = /* GraphQL */ `
  mutation ($input: CreateBadgeInput!) {
    createBadge(input: $input) {
      __typename
      ... on CreateBadgePayload { awarded badge { id slug title rule holders } }
      ... on ValidationError { field message }
      ... on ConflictError { message }
    }
  }
`;
const FEED = /* GraphQL */ `
  query ($program: String) {
    recognitionFeed(program: $program, first: 50) {
      edges { node { id kind message occurredAt user { displayName isAnonymous } badge { name title } tier { name } story { id headline } } }
    }
  }
`;
const CARD = /* GraphQL */ `
  query ($userId: String, $program: String) {
    memberCard(userId: $userId, program: $program) {
      user { externalId displayName isAnonymous } title points tier { name rank } badges { slug name title icon awardedAt }
    }
  }
`;

let seq = 0;
const record = (app: TestApp, userId: string, kind: string, points?: number, programId?: string) =>
  app.gql(RECORD, { input: { userId, kind, points, programId, occurredAt: "2026-04-01T12:00:00Z", externalId: `b-${++seq}` } }, "admin");

describe("badges, titles, member cards and the recognition feed", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await app.db.user.create({ data: { externalId: "ada", displayName: "Ada" } });
    await app.db.user.create({ data: { externalId: "hidden", displayName: "Hidden Person", showOnLeaderboards: false } });
  });
  afterAll(() => app.close());

  it("awards a points badge when a contribution crosses the threshold, once, with a feed entry and a webhook", async () => {
    await app.db.webhookSubscription.create({ data: { url: "http://127.0.0.1:9/hook", events: ["badge.awarded"], secret: "s" } });
    const created = await app.gql(CREATE, { input: { slug: "champion", name: "Product Champion", title: "Product Champion", rule: { points: { gte: 100 } } } }, "admin");
    expect(created.data.createBadge).toMatchObject({ awarded: 0, badge: { slug: "champion", title: "Product Champion", rule: { points: { gte: 100 } }, holders: 0 } });
    await record(app, "ada", "TALK"); // 75
    expect(await app.db.badgeAward.count()).toBe(0);
    await record(app, "ada", "DEMO"); // 115
    await record(app, "ada", "DEMO"); // 155: no second award
    const awards = await app.db.badgeAward.findMany({ include: { badge: true } });
    expect(awards.map((a) => a.badge.slug)).toEqual(["champion"]);
    expect(await app.db.webhookDelivery.count({ where: { event: "badge.awarded" } })).toBe(1);
    const feed = await app.gql(FEED, {});
    expect(feed.data.recognitionFeed.edges[0].node).toMatchObject({ kind: "BADGE_AWARDED", user: { displayName: "Ada", isAnonymous: false }, badge: { name: "Product Champion", title: "Product Champion" } });
  });

  it("shows the title of the most recent titled badge next to the member's name", async () => {
    const me = await app.gql(`{ user(externalId: "ada") { displayName title } }`, {}, "admin");
    expect(me.data.user).toEqual({ displayName: "Ada", title: "Product Champion" });
    const lead = await app.gql(CREATE, { input: { slug: "innovation-lead", name: "Innovation Lead", title: "Innovation Lead" } }, "admin");
    const award = await app.gql(
      `mutation ($input: AwardBadgeInput!) { awardBadge(input: $input) { __typename ... on AwardBadgePayload { award { reason badge { slug } user { externalId } } } } }`,
      { input: { badgeId: lead.data.createBadge.badge.id, userId: "ada", reason: "Shipped the sharing idea" } },
      "admin",
    );
    expect(award.data.awardBadge.award).toEqual({ reason: "Shipped the sharing idea", badge: { slug: "innovation-lead" }, user: { externalId: "ada" } });
    const board = await app.gql(`{ leaderboard(first: 5) { edges { node { user { displayName title } } } } }`);
    expect(board.data.leaderboard.edges[0].node.user).toEqual({ displayName: "Ada", title: "Innovation Lead" });
    const revoke = await app.gql(
      `mutation ($input: RevokeBadgeInput!) { revokeBadge(input: $input) { __typename ... on RevokeBadgePayload { award { revokedReason } } } }`,
      { input: { badgeId: lead.data.createBadge.badge.id, userId: "ada", reason: "Awarded to the wrong person" } },
      "admin",
    );
    expect(revoke.data.revokeBadge.award.revokedReason).toBe("Awarded to the wrong person");
    const after = await app.gql(`{ user(externalId: "ada") { title } }`, {}, "admin");
    expect(after.data.user.title).toBe("Product Champion");
    const feed = await app.gql(FEED, {});
    expect(feed.data.recognitionFeed.edges.map((e: any) => e.node.badge?.name)).not.toContain("Innovation Lead");
  });

  it("awards contribution-count badges by kind and awards existing qualifiers when the badge is created", async () => {
    await record(app, "counter", "ANSWER");
    await record(app, "counter", "ANSWER");
    await record(app, "counter", "REVIEW");
    const created = await app.gql(CREATE, { input: { slug: "two-answers", name: "Two answers", rule: { contributions: { kind: "ANSWER", gte: 2 } } } }, "admin");
    expect(created.data.createBadge.awarded).toBe(1);
    const three = await app.gql(CREATE, { input: { slug: "three-answers", name: "Three answers", rule: { contributions: { kind: "ANSWER", gte: 3 } } } }, "admin");
    expect(three.data.createBadge.awarded).toBe(0);
    await record(app, "counter", "REVIEW");
    expect(await app.db.badgeAward.count({ where: { badge: { slug: "three-answers" } } })).toBe(0);
    await record(app, "counter", "ANSWER");
    expect(await app.db.badgeAward.count({ where: { badge: { slug: "three-answers" } } })).toBe(1);
  });

  it("awards badges defined with the programs' criteria language, on creation and when contributions change", async () => {
    await record(app, "early-bug", "BUG_REPORT");
    await record(app, "early-bug", "BUG_REPORT");
    const created = await app.gql(
      CREATE,
      { input: { slug: "bug-hunter", name: "Bug hunter", criteria: { all: [{ condition: { metric: "CONTRIBUTIONS", kind: "BUG_REPORT", value: 2 } }] } } },
      "admin",
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createBadge).toMatchObject({ __typename: "CreateBadgePayload", awarded: 1 });
    await record(app, "late-bug", "BUG_REPORT");
    expect(await app.db.badgeAward.count({ where: { badge: { slug: "bug-hunter" } } })).toBe(1);
    await record(app, "late-bug", "BUG_REPORT");
    const holders = await app.db.badgeAward.findMany({ where: { badge: { slug: "bug-hunter" } }, include: { user: true } });
    expect(holders.map((h) => h.user.externalId).sort()).toEqual(["early-bug", "late-bug"]);
    const both = await app.gql(CREATE, { input: { slug: "both", name: "Both", rule: { points: { gte: 1 } }, criteria: { condition: { metric: "POINTS", value: 1 } } } }, "admin");
    expect(both.data.createBadge).toMatchObject({ __typename: "ValidationError" });
  });

  it("re-checks criteria badges for everyone in the badges.evaluate job, so usage alone can earn them", async () => {
    const created = await app.gql(
      CREATE,
      { input: { slug: "regular", name: "Regular", criteria: { condition: { metric: "ACTIVE_DAYS", windowDays: 30, value: 2 } } } },
      "admin",
    );
    expect(created.data.createBadge.awarded).toBe(0);
    const user = await app.db.user.create({ data: { externalId: "daily-user" } });
    const today = Math.floor(Date.now() / 86_400_000);
    await app.db.userDay.createMany({ data: [{ userId: user.id, day: today, events: 3 }, { userId: user.id, day: today - 1, events: 1 }] });
    const job = registeredJobs().find((j) => j.name === "badges.evaluate")!;
    await job.run(app.server.services);
    const holders = await app.db.badgeAward.findMany({ where: { badge: { slug: "regular" } }, include: { user: true } });
    expect(holders.map((h) => h.user.externalId)).toEqual(["daily-user"]);
    await job.run(app.server.services);
    expect(await app.db.badgeAward.count({ where: { badge: { slug: "regular" } } })).toBe(1);
  });

  it("refuses an empty rule, a duplicate slug and a missing reason, creating nothing", async () => {
    const before = await app.db.badge.count();
    const empty = await app.gql(CREATE, { input: { slug: "empty-rule", name: "Empty", rule: {} } }, "admin");
    expect(empty.data.createBadge.__typename).toBe("ValidationError");
    const dup = await app.gql(CREATE, { input: { slug: "champion", name: "Again" } }, "admin");
    expect(dup.data.createBadge.__typename).toBe("ConflictError");
    const badSlug = await app.gql(CREATE, { input: { slug: "Bad Slug", name: "x" } }, "admin");
    expect(badSlug.data.createBadge).toMatchObject({ __typename: "ValidationError", field: "input.slug" });
    expect(await app.db.badge.count()).toBe(before);
    const badge = await app.db.badge.findFirstOrThrow({ where: { slug: "innovation-lead" } });
    const { data } = await app.gql(`{ badges { edges { node { id slug } } } }`);
    const id = data.badges.edges.find((e: any) => e.node.slug === badge.slug).node.id;
    const noReason = await app.gql(`mutation ($input: AwardBadgeInput!) { awardBadge(input: $input) { __typename ... on ValidationError { field } } }`, { input: { badgeId: id, userId: "counter", reason: " " } }, "admin");
    expect(noReason.data.awardBadge).toEqual({ __typename: "ValidationError", field: "input.reason" });
  });

  it("returns a public member card, and an anonymous one for people who opted out", async () => {
    const card = await app.gql(CARD, { userId: "ada" });
    expect(card.errors).toBeUndefined();
    expect(card.data.memberCard).toMatchObject({ user: { externalId: "ada", displayName: "Ada", isAnonymous: false }, title: "Product Champion", points: 155, tier: null });
    expect(card.data.memberCard.badges.map((b: any) => b.slug)).toEqual(["champion"]);
    await record(app, "hidden", "CASE_STUDY");
    const hidden = await app.gql(CARD, { userId: "hidden" });
    expect(hidden.data.memberCard).toMatchObject({ user: { displayName: "Anonymous member", isAnonymous: true }, title: null, badges: [] });
    const self = await app.gql(CARD, {}, await app.memberToken("hidden"));
    expect(self.data.memberCard).toMatchObject({ user: { displayName: "Hidden Person", isAnonymous: false }, title: "Product Champion" });
    const feed = await app.gql(FEED, {});
    const hiddenEntry = feed.data.recognitionFeed.edges.find((e: any) => e.node.user.isAnonymous);
    expect(hiddenEntry.node.user.displayName).toBe("Anonymous member");
    expect(JSON.stringify(feed.data)).not.toContain("Hidden Person");
    expect((await app.gql(CARD, { userId: "nobody" })).data.memberCard).toBeNull();
  });

  it("shows a program's points and tier on the card, and keeps private programs out of the public feed", async () => {
    const program = await app.db.program.create({ data: { slug: "insiders", name: "Insiders", kind: "CHAMPIONS" } });
    const secret = await app.db.program.create({ data: { slug: "secret", name: "Secret", kind: "ADVISORY_BOARD", visibility: "PRIVATE" } });
    const tier = await app.db.tier.create({ data: { programId: program.id, name: "Champion", rank: 2 } });
    const ada = await app.db.user.findUniqueOrThrow({ where: { externalId: "ada" } });
    await app.db.membership.create({ data: { programId: program.id, userId: ada.id, source: "CRITERIA", tierId: tier.id } });
    await app.db.recognitionEvent.create({ data: { kind: "TIER_PROMOTED", userId: ada.id, programId: program.id, tierId: tier.id, message: "reached Champion in Insiders" } });
    await app.db.recognitionEvent.create({ data: { kind: "TIER_PROMOTED", userId: ada.id, programId: secret.id, message: "secret promotion" } });
    const { data: ids } = await app.gql(`{ leaderboard(program: "insiders") { totalCount } }`);
    expect(ids.leaderboard.totalCount).toBe(0);
    const card = await app.gql(CARD, { userId: "ada", program: "insiders" });
    expect(card.data.memberCard).toMatchObject({ tier: { name: "Champion", rank: 2 }, points: 0 });
    const feed = await app.gql(FEED, { program: "insiders" });
    expect(feed.data.recognitionFeed.edges.map((e: any) => e.node)).toEqual([expect.objectContaining({ kind: "TIER_PROMOTED", tier: { name: "Champion" } })]);
    const all = await app.gql(FEED, {});
    expect(all.data.recognitionFeed.edges.map((e: any) => e.node.message)).not.toContain("secret promotion");
    const secretFeed = await app.gql(FEED, { program: "secret" });
    expect(secretFeed.data.recognitionFeed.edges).toEqual([]);
    const adminFeed = await app.gql(FEED, { program: "secret" }, "admin");
    expect(adminFeed.data.recognitionFeed.edges).toHaveLength(1);
  });
});

describe("rule badges when points go down", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("revokes a rule badge when a rejected contribution takes the person below its rule, and gives it back once they meet it again", async () => {
    const MODERATE = `mutation ($input: ModerateContributionInput!) { moderateContribution(input: $input) { __typename } }`;
    await app.gql(CREATE, { input: { slug: "fifty", name: "Fifty points", rule: { points: { gte: 50 } } } }, "admin");
    const hand = await app.gql(CREATE, { input: { slug: "thanks", name: "Thanks" } }, "admin");
    const talk = await record(app, "lapse", "TALK", 60);
    const handed = await app.gql(
      `mutation ($input: AwardBadgeInput!) { awardBadge(input: $input) { __typename } }`,
      { input: { badgeId: hand.data.createBadge.badge.id, userId: "lapse", reason: "Helped at the meetup" } },
      "admin",
    );
    expect(handed.data.awardBadge.__typename).toBe("AwardBadgePayload");
    const held = () => app.db.badgeAward.findFirst({ where: { badge: { slug: "fifty" }, user: { externalId: "lapse" } } });
    expect((await held())?.revokedAt).toBeNull();

    const rejected = await app.gql(MODERATE, { input: { id: talk.data.recordContribution.contribution.id, decision: "REJECT", reason: "Counted twice" } }, "admin");
    expect(rejected.data.moderateContribution.__typename).toBe("ModerateContributionPayload");
    const lapsed = await held();
    expect(lapsed?.revokedAt).not.toBeNull();
    expect(lapsed?.revokedReason).toMatch(/^Rule no longer met: contribution .* was rejected$/);
    expect(await app.db.auditLog.count({ where: { action: "badge.revoke", targetId: lapsed!.id } })).toBe(1);
    const feed = await app.gql(FEED, {});
    expect(feed.data.recognitionFeed.edges.filter((e: any) => e.node.badge?.name === "Fifty points" && e.node.user.displayName === "lapse")).toHaveLength(0);
    // A badge given by hand is not the rule's to take.
    expect(await app.db.badgeAward.count({ where: { badge: { slug: "thanks" }, user: { externalId: "lapse" }, revokedAt: null } })).toBe(1);

    await record(app, "lapse", "DEMO", 55);
    const back = await held();
    expect(back?.revokedAt).toBeNull();
    expect(back?.revokedReason).toBeNull();
  });

  it("keeps a rule badge revoked by hand revoked, whatever the person earns later", async () => {
    const badge = await app.gql(CREATE, { input: { slug: "sixty", name: "Sixty points", rule: { points: { gte: 60 } } } }, "admin");
    await record(app, "sticky", "TALK", 70);
    await app.gql(
      `mutation ($input: RevokeBadgeInput!) { revokeBadge(input: $input) { __typename } }`,
      { input: { badgeId: badge.data.createBadge.badge.id, userId: "sticky", reason: "Points came from a test account" } },
      "admin",
    );
    await record(app, "sticky", "TALK", 70);
    const award = await app.db.badgeAward.findFirst({ where: { badge: { slug: "sixty" }, user: { externalId: "sticky" } } });
    expect(award?.revokedReason).toBe("Points came from a test account");
  });
});
