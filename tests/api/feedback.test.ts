import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";

const SUBMIT = /* GraphQL */ `
  mutation ($input: SubmitFeedbackInput!) {
    submitFeedback(input: $input) {
      __typename
      ... on SubmitFeedbackPayload { feedback { id title status } }
      ... on ValidationError { field message }
    }
  }
`;
const VOTE = `mutation ($id: ID!) { voteFeedback(input: { feedbackId: $id }) { __typename ... on VoteFeedbackPayload { feedback { voteCount hasMyVote } } ... on Error { message } } }`;
const STATUS = `mutation ($id: ID!, $s: FeedbackStatus!, $n: String!) { changeFeedbackStatus(input: { id: $id, status: $s, note: $n }) { __typename ... on ChangeFeedbackStatusPayload { feedback { status acknowledgedAt closedAt statusHistory { fromStatus toStatus note } } } ... on InvalidStatusTransitionError { from to allowed } ... on ValidationError { field } } }`;

describe("feedback", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const submit = async (who: string, input: Record<string, unknown>) =>
    (await app.gql(SUBMIT, { input: { kind: "IDEA", title: "Dark mode", body: "Please", ...input } }, await app.memberToken(who))).data.submitFeedback;

  it("takes feedback from a member as the widget sends it, and refuses anonymous callers and bad ratings", async () => {
    const ok = await submit("giver", { rating: 5 });
    expect(ok).toMatchObject({ __typename: "SubmitFeedbackPayload", feedback: { title: "Dark mode", status: "NEW" } });
    const anon = await app.gql(SUBMIT, { input: { kind: "BUG", title: "x", body: "y" } });
    expect(anon.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const before = await app.db.feedback.count();
    expect(await submit("giver", { rating: 6 })).toMatchObject({ __typename: "ValidationError", field: "input.rating" });
    expect(await submit("giver", { title: "  " })).toMatchObject({ __typename: "ValidationError", field: "input.title" });
    expect(await submit("giver", { featureKey: "no-such-feature" })).toMatchObject({ __typename: "ValidationError", field: "input.featureKey" });
    expect(await app.db.feedback.count()).toBe(before);
  });

  it("counts one vote per member, refuses voting on one's own item and voting twice, writing nothing", async () => {
    const item = (await submit("author", { title: "Export to CSV" })).feedback;
    const voter = await app.memberToken("voter");
    expect((await app.gql(VOTE, { id: item.id }, voter)).data.voteFeedback.feedback).toEqual({ voteCount: 1, hasMyVote: true });
    const twice = await app.gql(VOTE, { id: item.id }, voter);
    expect(twice.data.voteFeedback.__typename).toBe("AlreadyVotedError");
    const own = await app.gql(VOTE, { id: item.id }, await app.memberToken("author"));
    expect(own.data.voteFeedback.__typename).toBe("OwnFeedbackVoteError");
    const id = Buffer.from(item.id, "base64").toString().split(":")[1]!;
    expect(await app.db.feedbackVote.count({ where: { feedbackId: id } })).toBe(1);
    expect((await app.db.feedback.findUniqueOrThrow({ where: { id } })).voteCount).toBe(1);
    const unvote = await app.gql(`mutation ($id: ID!) { unvoteFeedback(input: { feedbackId: $id }) { ... on UnvoteFeedbackPayload { feedback { voteCount } } } }`, { id: item.id }, voter);
    expect(unvote.data.unvoteFeedback.feedback.voteCount).toBe(0);
  });

  it("moves status along the lifecycle with public notes, notifying the author and voters, and refuses going back", async () => {
    const item = (await submit("owner", { title: "Keyboard shortcuts", kind: "IDEA" })).feedback;
    await app.gql(VOTE, { id: item.id }, await app.memberToken("fan"));
    const ack = await app.gql(STATUS, { id: item.id, s: "ACKNOWLEDGED", n: "Thanks, we read it" }, "admin");
    expect(ack.data.changeFeedbackStatus.feedback.status).toBe("ACKNOWLEDGED");
    expect(ack.data.changeFeedbackStatus.feedback.acknowledgedAt).not.toBeNull();
    const back = await app.gql(STATUS, { id: item.id, s: "NEW", n: "oops" }, "admin");
    expect(back.data.changeFeedbackStatus).toMatchObject({ __typename: "InvalidStatusTransitionError", from: "ACKNOWLEDGED", to: "NEW" });
    const dup = await app.gql(STATUS, { id: item.id, s: "DUPLICATE", n: "dup" }, "admin");
    expect(dup.data.changeFeedbackStatus.__typename).toBe("InvalidStatusTransitionError");
    const noNote = await app.gql(STATUS, { id: item.id, s: "PLANNED", n: "" }, "admin");
    expect(noNote.data.changeFeedbackStatus).toMatchObject({ __typename: "ValidationError", field: "input.note" });
    await app.gql(STATUS, { id: item.id, s: "PLANNED", n: "On the roadmap for Q1" }, "admin");
    const shipped = await app.gql(STATUS, { id: item.id, s: "SHIPPED", n: "Out now: press ? to see them" }, "admin");
    expect(shipped.data.changeFeedbackStatus.feedback.closedAt).not.toBeNull();
    expect(shipped.data.changeFeedbackStatus.feedback.statusHistory.map((h: any) => h.toStatus)).toEqual(["ACKNOWLEDGED", "PLANNED", "SHIPPED"]);
    const final = await app.gql(STATUS, { id: item.id, s: "DECLINED", n: "no" }, "admin");
    expect(final.data.changeFeedbackStatus).toMatchObject({ __typename: "InvalidStatusTransitionError", allowed: [] });

    for (const who of ["owner", "fan"]) {
      const n = await app.gql(`{ myNotifications(first: 10) { totalCount edges { node { id kind title body read } } } }`, {}, await app.memberToken(who));
      const feedbackNotes = n.data.myNotifications.edges.map((e: any) => e.node).filter((x: any) => x.kind === "feedback.status_changed");
      expect(feedbackNotes.map((x: any) => x.body)).toEqual(["Out now: press ? to see them", "On the roadmap for Q1", "Thanks, we read it"]);
    }
    const mine = await app.gql(`{ myFeedback { edges { node { title status body statusHistory { toStatus note } } } } }`, {}, await app.memberToken("owner"));
    expect(mine.errors).toBeUndefined();
    expect(mine.data.myFeedback.edges[0].node).toMatchObject({ title: "Keyboard shortcuts", status: "SHIPPED", body: "Please" });
    // A voter sees the public fields of the item, not its body.
    const stranger = await app.gql(`mutation ($id: ID!) { voteFeedback(input: { feedbackId: $id }) { ... on VoteFeedbackPayload { feedback { title body } } } }`, { id: item.id }, await app.memberToken("stranger"));
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(stranger.errors?.[0]?.path).toEqual(["voteFeedback", "feedback", "body"]);
  });

  it("marks notifications read, only the member's own", async () => {
    const token = await app.memberToken("owner");
    const list = await app.gql(`{ myNotifications(unreadOnly: true) { totalCount edges { node { id } } } }`, {}, token);
    expect(list.data.myNotifications.totalCount).toBeGreaterThan(1);
    const first = list.data.myNotifications.edges[0].node.id;
    const other = await app.gql(`mutation ($ids: [ID!]) { markNotificationsRead(input: { ids: $ids }) { ... on MarkNotificationsReadPayload { updated } } }`, { ids: [first] }, await app.memberToken("fan"));
    expect(other.data.markNotificationsRead.updated).toBe(0);
    const mark = await app.gql(`mutation ($ids: [ID!]) { markNotificationsRead(input: { ids: $ids }) { ... on MarkNotificationsReadPayload { updated unread } } }`, { ids: [first] }, token);
    expect(mark.data.markNotificationsRead).toEqual({ updated: 1, unread: list.data.myNotifications.totalCount - 1 });
    const all = await app.gql(`mutation { markNotificationsRead(input: {}) { ... on MarkNotificationsReadPayload { unread } } }`, {}, token);
    expect(all.data.markNotificationsRead.unread).toBe(0);
  });

  it("merges a duplicate, carrying its author and voters over as votes, and searches for admins", async () => {
    const target = (await submit("m-author", { title: "Bulk edit rows" })).feedback;
    const dup = (await submit("m-dup", { title: "Edit many rows at once", body: "bulk please" })).feedback;
    await app.gql(VOTE, { id: dup.id }, await app.memberToken("m-voter"));
    await app.gql(VOTE, { id: target.id }, await app.memberToken("m-voter"));
    await app.gql(VOTE, { id: dup.id }, await app.memberToken("m-author"));
    const merge = await app.gql(`mutation ($id: ID!, $into: ID!) { mergeFeedback(input: { id: $id, intoId: $into }) { __typename ... on MergeFeedbackPayload { feedback { status duplicateOf { id } } into { voteCount } } ... on Error { message } } }`, { id: dup.id, into: target.id }, "admin");
    expect(merge.data.mergeFeedback).toEqual({ __typename: "MergeFeedbackPayload", feedback: { status: "DUPLICATE", duplicateOf: { id: target.id } }, into: { voteCount: 2 } });
    const self = await app.gql(`mutation ($id: ID!) { mergeFeedback(input: { id: $id, intoId: $id }) { __typename ... on ValidationError { field } } }`, { id: target.id }, "admin");
    expect(self.data.mergeFeedback).toEqual({ __typename: "ValidationError", field: "input.intoId" });
    const search = await app.gql(`{ feedbackItems(search: "BULK", first: 10) { totalCount edges { node { title status voteCount } } } }`, {}, "admin");
    expect(search.data.feedbackItems.edges.map((e: any) => e.node.title).sort()).toEqual(["Bulk edit rows", "Edit many rows at once"]);
    const dups = await app.gql(`{ feedbackItems(status: DUPLICATE) { totalCount } }`, {}, "admin");
    expect(dups.data.feedbackItems.totalCount).toBe(1);
    const member = await app.gql(`{ feedbackItems { totalCount } }`, {}, await app.memberToken("m-voter"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
