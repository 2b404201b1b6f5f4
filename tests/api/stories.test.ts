import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateStoryInput!) {
    createStory(input: $input) {
      __typename
      ... on CreateStoryPayload { story { id status headline quotes subject { externalId } } }
      ... on ValidationError { field }
      ... on NotFoundError { resource key }
    }
  }
`;
const ASK = `mutation ($id: ID!) { requestStoryApproval(input: { id: $id }) { __typename ... on RequestStoryApprovalPayload { story { status } } ... on ConflictError { message } } }`;
const APPROVE = `mutation ($id: ID!) { approveStory(input: { id: $id }) { __typename ... on ApproveStoryPayload { story { status publishedAt approvedAt } } ... on ForbiddenError { message } ... on ConflictError { message } } }`;
const CHANGES = `mutation ($id: ID!, $note: String!) { requestStoryChanges(input: { id: $id, note: $note }) { __typename ... on RequestStoryChangesPayload { story { status changeRequest } } ... on ForbiddenError { message } ... on ValidationError { field } } }`;
const STORY_INPUT = {
  userId: "grace",
  headline: "Cut month-end reporting from 3 days to 2 hours",
  whatTheyDid: "Built shared dashboards for the finance team.",
  takeaway: "Start with the report everybody dreads.",
  quotes: ["I got my Fridays back."],
};

describe("success stories", () => {
  let app: TestApp;
  let grace: string;
  beforeAll(async () => {
    app = await createTestApp();
    await app.db.user.create({ data: { externalId: "grace", displayName: "Grace" } });
    await app.db.user.create({ data: { externalId: "mallory", displayName: "Mallory" } });
    grace = await app.memberToken("grace");
  });
  afterAll(() => app.close());

  it("goes from draft to awaiting approval (the subject is notified) to published when the subject approves", async () => {
    await app.db.webhookSubscription.create({ data: { url: "http://127.0.0.1:9/hook", events: ["story.published"], secret: "s" } });
    const created = await app.gql(CREATE, { input: STORY_INPUT }, "admin");
    expect(created.data.createStory.story).toMatchObject({ status: "DRAFT", quotes: ["I got my Fridays back."], subject: { externalId: "grace" } });
    const id = created.data.createStory.story.id;
    expect((await app.gql(`query ($id: ID!) { story(id: $id) { id } }`, { id })).data.story).toBeNull();
    expect((await app.gql(`{ stories { edges { node { id } } } }`)).data.stories.edges).toEqual([]);

    const early = await app.gql(APPROVE, { id }, grace);
    expect(early.data.approveStory.__typename).toBe("ConflictError");

    const asked = await app.gql(ASK, { id }, "admin");
    expect(asked.data.requestStoryApproval.story.status).toBe("AWAITING_APPROVAL");
    const note = await app.db.notification.findFirst({ where: { user: { externalId: "grace" }, kind: "story.approval_requested" } });
    expect(note?.body).toBe(STORY_INPUT.headline);
    const mine = await app.gql(`{ myStories { edges { node { id status } } } }`, {}, grace);
    expect(mine.data.myStories.edges).toEqual([{ node: { id, status: "AWAITING_APPROVAL" } }]);
    expect((await app.gql(`query ($id: ID!) { story(id: $id) { status } }`, { id }, grace)).data.story.status).toBe("AWAITING_APPROVAL");

    const approved = await app.gql(APPROVE, { id }, grace);
    expect(approved.data.approveStory.story.status).toBe("PUBLISHED");
    expect(approved.data.approveStory.story.publishedAt).toBeTruthy();
    const list = await app.gql(`{ stories { edges { node { id headline subject { displayName } } } } }`);
    expect(list.data.stories.edges).toEqual([{ node: { id, headline: STORY_INPUT.headline, subject: { displayName: "Grace" } } }]);
    const feed = await app.gql(`{ recognitionFeed { edges { node { kind story { id headline } } } } }`);
    expect(feed.data.recognitionFeed.edges[0].node).toEqual({ kind: "STORY_PUBLISHED", story: { id, headline: STORY_INPUT.headline } });
    expect(await app.db.webhookDelivery.count({ where: { event: "story.published" } })).toBe(1);
  });

  it("refuses approval by anyone but the subject with ForbiddenError and changes nothing", async () => {
    const created = await app.gql(CREATE, { input: STORY_INPUT }, "admin");
    const id = created.data.createStory.story.id;
    await app.gql(ASK, { id }, "admin");
    const other = await app.gql(APPROVE, { id }, await app.memberToken("mallory"));
    expect(other.data.approveStory.__typename).toBe("ForbiddenError");
    const admin = await app.gql(APPROVE, { id }, "admin");
    expect(admin.data.approveStory.__typename).toBe("ForbiddenError");
    const otherChanges = await app.gql(CHANGES, { id, note: "make me the hero" }, await app.memberToken("mallory"));
    expect(otherChanges.data.requestStoryChanges.__typename).toBe("ForbiddenError");
    const anonymous = await app.gql(APPROVE, { id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const row = await app.db.story.findFirstOrThrow({ where: { id: { not: undefined } }, orderBy: { createdAt: "desc" } });
    expect(row.status).toBe("AWAITING_APPROVAL");
    expect(await app.db.recognitionEvent.count({ where: { kind: "STORY_PUBLISHED" } })).toBe(1);
  });

  it("lets the subject ask for changes; an edit and a new request then lead to publication", async () => {
    const created = await app.gql(CREATE, { input: STORY_INPUT }, "admin");
    const id = created.data.createStory.story.id;
    await app.gql(ASK, { id }, "admin");
    const empty = await app.gql(CHANGES, { id, note: "  " }, grace);
    expect(empty.data.requestStoryChanges).toMatchObject({ __typename: "ValidationError", field: "input.note" });
    const changes = await app.gql(CHANGES, { id, note: "Please say 2 hours, not 3." }, grace);
    expect(changes.data.requestStoryChanges.story).toEqual({ status: "CHANGES_REQUESTED", changeRequest: "Please say 2 hours, not 3." });
    const edit = await app.gql(`mutation ($id: ID!) { updateStory(input: { id: $id, headline: "Month-end in 2 hours" }) { ... on UpdateStoryPayload { story { headline status } } } }`, { id }, "admin");
    expect(edit.data.updateStory.story).toEqual({ headline: "Month-end in 2 hours", status: "CHANGES_REQUESTED" });
    await app.gql(ASK, { id }, "admin");
    const approved = await app.gql(APPROVE, { id }, grace);
    expect(approved.data.approveStory.story.status).toBe("PUBLISHED");
    const edited = await app.gql(`mutation ($id: ID!) { updateStory(input: { id: $id, headline: "x" }) { __typename } }`, { id }, "admin");
    expect(edited.data.updateStory.__typename).toBe("ConflictError");
  });

  it("sends an edited story back to draft so the subject never approves unseen text", async () => {
    const created = await app.gql(CREATE, { input: STORY_INPUT }, "admin");
    const id = created.data.createStory.story.id;
    await app.gql(ASK, { id }, "admin");
    await app.gql(`mutation ($id: ID!) { updateStory(input: { id: $id, takeaway: "New takeaway" }) { __typename } }`, { id }, "admin");
    const approve = await app.gql(APPROVE, { id }, grace);
    expect(approve.data.approveStory.__typename).toBe("ConflictError");
  });

  it("refuses a story about an unknown person or with empty text, writing nothing", async () => {
    const before = await app.db.story.count();
    const unknown = await app.gql(CREATE, { input: { ...STORY_INPUT, userId: "ghost" } }, "admin");
    expect(unknown.data.createStory).toMatchObject({ __typename: "NotFoundError", resource: "User" });
    const empty = await app.gql(CREATE, { input: { ...STORY_INPUT, headline: " " } }, "admin");
    expect(empty.data.createStory).toMatchObject({ __typename: "ValidationError", field: "input.headline" });
    expect(await app.db.story.count()).toBe(before);
  });
});
