// Programs end to end over HTTP: definition, visibility, candidates, fit enforcement,
// nominations and invitations with member tokens, tiers with the grace period, onboarding.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { dayOf } from "../../api/domain/days.ts";
import { expireInvitations } from "../../api/domain/programs/invitations.ts";
import { registeredJobs } from "../../api/jobs.ts";
import { addActivity, addPoints, ensureFeatures, range } from "../helpers/usage-fixtures.ts";

const TODAY = dayOf(new Date());

const CREATE = /* GraphQL */ `mutation ($input: CreateProgramInput!) { createProgram(input: $input) {
  __typename ... on CreateProgramPayload { program { id slug name kind visibility criteria criteriaConditions { metric windowDays op threshold } } }
  ... on ValidationError { field message } ... on ConflictError { cfield: field message } } }`;
const ADD = /* GraphQL */ `mutation ($input: AddMemberInput!) { addMember(input: $input) {
  __typename ... on AddMemberPayload { membership { id status source overrideReason overrideBy tier { name } } }
  ... on CriteriaNotMetError { message userId explanation { passed conditions { metric actual threshold passed } } failedConditions { metric } }
  ... on ConflictError { message } ... on NotFoundError { message } } }`;

describe("programs", () => {
  let app: TestApp;
  let programId: string;
  const gql = (q: string, v: Record<string, unknown> = {}, auth: string | undefined = "admin") => app.gql(q, v, auth);
  const counts = async () => ({ programs: await app.db.program.count(), audit: await app.db.auditLog.count() });

  beforeAll(async () => {
    app = await createTestApp();
    await ensureFeatures(app.db);
    const people = [
      { id: "alice", active: 25, features: [1, 2, 3, 4, 5, 6] },
      { id: "bob", active: 20, features: [1, 2, 3, 4, 5] },
      { id: "carol", active: 21, features: [1, 2, 3, 4, 5, 6, 7] },
      { id: "dave", active: 2, features: [1] },
      { id: "erin", active: 0, features: [] },
    ];
    for (const p of people) {
      await app.db.user.create({ data: { id: p.id, externalId: p.id, displayName: `${p.id[0]!.toUpperCase()}${p.id.slice(1)} Example`, email: `${p.id}@example.com` } });
      if (p.active) await addActivity(app.db, p.id, range(TODAY - p.active + 1, TODAY), p.features);
    }
    await app.db.user.update({ where: { id: "dave" }, data: { managerId: "alice" } });
    await app.db.webhookSubscription.create({ data: { url: "http://host.example/hook", events: ["*"], secret: "s3cret-s3cret-s3cret" } });
    const created = await gql(CREATE, { input: {
      name: "Insiders", slug: "insiders", kind: "COMMUNITY", description: "Most engaged users",
      criteria: { all: [{ condition: { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 15 } }, { condition: { metric: "FEATURE_BREADTH", windowDays: 30, value: 5 } }] },
      invitationTemplate: "Hi {{firstName}}, you were active {{activeDays}} of the last 30 days and used {{advancedFeatures}} of {{advancedFeaturesTotal}} advanced features. Join {{program.name}}!",
    } });
    expect(created.errors).toBeUndefined();
    programId = created.data.createProgram.program.id;
  });
  afterAll(() => app.close());

  it("creates a program with typed criteria and shows them as JSON and as conditions", async () => {
    const r = await gql(`query ($id: ID!) { program(id: $id) { slug kind visibility criteria criteriaConditions { metric windowDays op threshold description } } }`, { id: programId });
    expect(r.data.program).toMatchObject({ slug: "insiders", kind: "COMMUNITY", visibility: "PUBLIC", criteria: { all: [{ metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 15 }, { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", value: 5 }] } });
    expect(r.data.program.criteriaConditions[1]).toEqual({ metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", threshold: 5, description: "Features used in the last 30 days >= 5" });
    const row = await app.db.program.findUniqueOrThrow({ where: { slug: "insiders" } });
    expect(await app.db.auditLog.count({ where: { action: "program.create", targetId: row.id } })).toBe(1);
  });

  it("refuses bad programs with typed errors and writes nothing", async () => {
    const before = await counts();
    const base = { name: "X", slug: "x-program", kind: "ADVOCACY" };
    const dup = await gql(CREATE, { input: { ...base, slug: "insiders" } });
    expect(dup.data.createProgram).toMatchObject({ __typename: "ConflictError", cfield: "input.slug" });
    const unknown = await gql(CREATE, { input: { ...base, criteriaJson: { all: [{ metric: "KARMA", value: 3 }] } } });
    expect(unknown.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.criteriaJson.all.0.metric" });
    const zero = await gql(CREATE, { input: { ...base, criteria: { condition: { metric: "ACTIVE_DAYS", windowDays: 0, value: 3 } } } });
    expect(zero.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.criteria.windowDays" });
    const big = await gql(CREATE, { input: { ...base, criteria: { any: [{ condition: { metric: "SESSIONS", windowDays: 366, value: 3 } }] } } });
    expect(big.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.criteria.any.0.windowDays" });
    const type = await gql(CREATE, { input: { ...base, criteria: { condition: { metric: "POINTS", value: "lots" } } } });
    expect(type.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.criteria.value" });
    let deep: unknown = { condition: { metric: "SESSIONS", value: 1 } };
    for (let i = 0; i < 6; i++) deep = { all: [deep] };
    const tooDeep = await gql(CREATE, { input: { ...base, criteria: deep } });
    expect(tooDeep.data.createProgram.__typename).toBe("ValidationError");
    expect(tooDeep.data.createProgram.message).toMatch(/too deep/);
    const slug = await gql(CREATE, { input: { ...base, slug: "Not A Slug" } });
    expect(slug.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.slug" });
    const template = await gql(CREATE, { input: { ...base, invitationTemplate: "Hi {{nickname}}" } });
    expect(template.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.invitationTemplate" });
    const ref = await gql(CREATE, { input: { ...base, criteria: { condition: { metric: "MEMBER_OF_PROGRAM", programSlug: "nope" } } } });
    expect(ref.data.createProgram).toMatchObject({ __typename: "ValidationError", field: "input.criteria" });
    const enumMetric = await gql(CREATE, { input: { ...base, criteria: { condition: { metric: "KARMA", value: 1 } } } });
    expect(enumMetric.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("shows anonymous callers public programs only, members also members-only ones", async () => {
    for (const [slug, visibility] of [["secret", "PRIVATE"], ["members-club", "MEMBERS"]] as const) {
      const r = await gql(CREATE, { input: { name: slug, slug, kind: "REFERENCE", visibility } });
      expect(r.data.createProgram.__typename).toBe("CreateProgramPayload");
    }
    const list = `{ programs(first: 50) { totalCount edges { node { slug } } } }`;
    const anon = await app.gql(list);
    expect(anon.data.programs.edges.map((e: any) => e.node.slug)).toEqual(["insiders"]);
    const member = await app.gql(list, {}, await app.memberToken("erin"));
    expect(member.data.programs.edges.map((e: any) => e.node.slug)).toEqual(["insiders", "members-club"]);
    const admin = await gql(list);
    expect(admin.data.programs.totalCount).toBe(3);
    expect((await app.gql(`{ program(slug: "secret") { slug } }`)).data.program).toBeNull();
    expect((await gql(`{ program(slug: "secret") { slug } }`)).data.program).toEqual({ slug: "secret" });
    const secret = await app.db.program.findUniqueOrThrow({ where: { slug: "secret" } });
    const tier = await app.db.tier.create({ data: { programId: secret.id, name: "Hidden", rank: 1 } });
    const tierGid = Buffer.from(`Tier:${tier.id}`).toString("base64");
    const hidden = await app.gql(`query ($id: ID!) { node(id: $id) { ... on Tier { name } } }`, { id: tierGid });
    expect(hidden.data?.node ?? null).toBeNull();
    expect((await gql(`query ($id: ID!) { node(id: $id) { ... on Tier { name } } }`, { id: tierGid })).data.node).toEqual({ name: "Hidden" });
    const write = await app.gql(CREATE, { input: { name: "n", slug: "nope", kind: "REFERENCE" } }, await app.memberToken("erin"));
    expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("archives a program: it leaves lists, keeps its history and takes no new members", async () => {
    const club = await gql(`{ program(slug: "members-club") { id } }`);
    const id = club.data.program.id;
    const archived = await gql(`mutation ($id: ID!) { archiveProgram(input: { id: $id }) { ... on ArchiveProgramPayload { program { slug archivedAt } } } }`, { id });
    expect(archived.data.archiveProgram.program.archivedAt).not.toBeNull();
    const member = await app.gql(`{ programs { edges { node { slug } } } }`, {}, await app.memberToken("erin"));
    expect(member.data.programs.edges.map((e: any) => e.node.slug)).toEqual(["insiders"]);
    const all = await gql(`{ programs(includeArchived: true) { totalCount } }`);
    expect(all.data.programs.totalCount).toBe(3);
    const add = await gql(ADD, { input: { programId: id, userId: "alice" } });
    expect(add.data.addMember.__typename).toBe("ConflictError");
    const renamed = await gql(`mutation ($id: ID!) { updateProgram(input: { id: $id, name: "Club", criteria: null }) { __typename ... on UpdateProgramPayload { program { name criteria } } } }`, { id });
    expect(renamed.data.updateProgram.program).toEqual({ name: "Club", criteria: null });
  });

  it("explains the criteria for one person, to admins and to that person only", async () => {
    const Q = `query ($p: ID!, $u: String!) { evaluateCriteria(programId: $p, userId: $u) { ... on Explanation { passed conditions { metric windowDays op threshold actual passed } } } }`;
    const bob = await gql(Q, { p: programId, u: "bob" });
    expect(bob.data.evaluateCriteria).toEqual({ passed: true, conditions: [
      { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", threshold: 15, actual: 20, passed: true },
      { metric: "FEATURE_BREADTH", windowDays: 30, op: "GTE", threshold: 5, actual: 5, passed: true },
    ] });
    const self = await app.gql(Q, { p: programId, u: "dave" }, await app.memberToken("dave"));
    expect(self.data.evaluateCriteria.passed).toBe(false);
    const other = await app.gql(Q, { p: programId, u: "bob" }, await app.memberToken("dave"));
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("ranks candidates who pass and are not members, with explanations", async () => {
    const Q = `query ($p: ID!, $first: Int, $after: String) { candidates(programId: $p, first: $first, after: $after) { totalCount
      edges { cursor node { user { externalId } score explanation { passed conditions { metric actual } } } } pageInfo { hasNextPage endCursor } } }`;
    const r = await gql(Q, { p: programId, first: 2 });
    expect(r.errors).toBeUndefined();
    expect(r.data.candidates.totalCount).toBe(3);
    // alice: (25-15)/15 + (6-5)/5 = 0.867; carol: 6/15 + 2/5 = 0.8; bob: 5/15 + 0 = 0.333
    expect(r.data.candidates.edges.map((e: any) => e.node.user.externalId)).toEqual(["alice", "carol"]);
    expect(r.data.candidates.edges[0].node.score).toBeCloseTo(0.867, 2);
    expect(r.data.candidates.pageInfo.hasNextPage).toBe(true);
    const next = await gql(Q, { p: programId, first: 2, after: r.data.candidates.pageInfo.endCursor });
    expect(next.data.candidates.edges.map((e: any) => e.node.user.externalId)).toEqual(["bob"]);
    const member = await app.gql(Q, { p: programId }, await app.memberToken("alice"));
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("refuses a misfit with CriteriaNotMetError, and admits them with an audited override reason", async () => {
    const refused = await gql(ADD, { input: { programId, userId: "dave" } });
    expect(refused.data.addMember).toMatchObject({ __typename: "CriteriaNotMetError", userId: "dave", explanation: { passed: false }, failedConditions: [{ metric: "ACTIVE_DAYS" }, { metric: "FEATURE_BREADTH" }] });
    expect(await app.db.membership.count({ where: { userId: "dave" } })).toBe(0);
    const admitted = await gql(ADD, { input: { programId, userId: "dave", overrideReason: "Sponsor at a strategic customer" } });
    expect(admitted.data.addMember).toMatchObject({ __typename: "AddMemberPayload", membership: { status: "ACTIVE", source: "OVERRIDE", overrideReason: "Sponsor at a strategic customer", overrideBy: "admin-secret" } });
    const audit = await app.db.auditLog.findFirstOrThrow({ where: { action: "membership.add_override" } });
    expect(audit).toMatchObject({ actorId: "admin-secret", reason: "Sponsor at a strategic customer" });
    const fit = await gql(ADD, { input: { programId, userId: "alice" } });
    expect(fit.data.addMember.membership).toMatchObject({ status: "ACTIVE", source: "CRITERIA", overrideReason: null });
    const again = await gql(ADD, { input: { programId, userId: "alice" } });
    expect(again.data.addMember.__typename).toBe("ConflictError");
    const cands = await gql(`query ($p: ID!) { candidates(programId: $p) { totalCount } }`, { p: programId });
    expect(cands.data.candidates.totalCount).toBe(2);
  });

  it("lists members for admins and shows a membership to its member but not to other members", async () => {
    const list = await gql(`query ($id: ID!) { node(id: $id) { ... on Program { memberCount members(first: 10) { totalCount edges { node { user { externalId } source } } } } } }`, { id: programId });
    expect(list.data.node.members.edges.map((e: any) => [e.node.user.externalId, e.node.source])).toEqual([["dave", "OVERRIDE"], ["alice", "CRITERIA"]]);
    expect(list.data.node.memberCount).toBe(2);
    const Q = `query ($p: ID!, $u: String!) { membership(programId: $p, userId: $u) { status source } }`;
    expect((await app.gql(Q, { p: programId, u: "alice" }, await app.memberToken("alice"))).data.membership).toEqual({ status: "ACTIVE", source: "CRITERIA" });
    const other = await app.gql(Q, { p: programId, u: "alice" }, await app.memberToken("bob"));
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const members = await app.gql(`query ($id: ID!) { node(id: $id) { ... on Program { members { totalCount } } } }`, { id: programId }, await app.memberToken("bob"));
    expect(members.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("pauses, resumes and removes members with reasons; a member leaves by themselves", async () => {
    const M = (name: string, input: string) => `mutation ($input: ${input}!) { ${name}(input: $input) { __typename ... on ${name[0]!.toUpperCase()}${name.slice(1)}Payload { membership { status statusReason endedAt } } ... on ConflictError { message } } }`;
    const paused = await gql(M("pauseMember", "MemberStatusInput"), { input: { programId, userId: "dave", reason: "On leave" } });
    expect(paused.data.pauseMember.membership).toMatchObject({ status: "PAUSED", statusReason: "On leave", endedAt: null });
    const resumed = await gql(M("resumeMember", "MemberStatusInput"), { input: { programId, userId: "dave" } });
    expect(resumed.data.resumeMember.membership.status).toBe("ACTIVE");
    const removed = await gql(M("removeMember", "RemoveMemberInput"), { input: { programId, userId: "dave", reason: "Left the customer" } });
    expect(removed.data.removeMember.membership).toMatchObject({ status: "REMOVED", statusReason: "Left the customer" });
    expect(removed.data.removeMember.membership.endedAt).not.toBeNull();
    const noReason = await gql(M("removeMember", "RemoveMemberInput"), { input: { programId, userId: "alice", reason: "" } });
    expect(noReason.data.removeMember.__typename).toBe("ValidationError");
    const token = await app.memberToken("alice");
    const left = await app.gql(M("leaveProgram", "LeaveProgramInput"), { input: { programId, reason: "Too busy" } }, token);
    expect(left.data.leaveProgram.membership.status).toBe("LEFT");
    const twice = await app.gql(M("leaveProgram", "LeaveProgramInput"), { input: { programId } }, token);
    expect(twice.data.leaveProgram.__typename).toBe("ConflictError");
  });

  it("takes nominations from members and turns an accepted one into a personal invitation the nominee accepts", async () => {
    const NOM = `mutation ($input: NominateInput!) { nominate(input: $input) { __typename ... on NominatePayload { nomination { id kind status nominee { externalId } } } ... on ForbiddenError { message } ... on ConflictError { message } ... on ValidationError { field } } }`;
    const carol = await app.memberToken("carol");
    const self = await app.gql(NOM, { input: { programId, nomineeId: "carol", kind: "SELF", reason: "I use every feature daily" } }, carol);
    expect(self.data.nominate).toMatchObject({ __typename: "NominatePayload", nomination: { kind: "SELF", status: "PENDING", nominee: { externalId: "carol" } } });
    const dup = await app.gql(NOM, { input: { programId, nomineeId: "carol", kind: "SELF", reason: "Again please" } }, carol);
    expect(dup.data.nominate.__typename).toBe("ConflictError");
    const bobToken = await app.memberToken("bob");
    const notManager = await app.gql(NOM, { input: { programId, nomineeId: "dave", kind: "MANAGER", reason: "Great work" } }, bobToken);
    expect(notManager.data.nominate.__typename).toBe("ForbiddenError");
    const manager = await app.gql(NOM, { input: { programId, nomineeId: "dave", kind: "MANAGER", reason: "Runs our reporting" } }, await app.memberToken("alice"));
    expect(manager.data.nominate.nomination.kind).toBe("MANAGER");
    const peer = await app.gql(NOM, { input: { programId, nomineeId: "bob", kind: "PEER", reason: "Helps everyone on the team" } }, carol);
    expect(peer.data.nominate.nomination.kind).toBe("PEER");
    const selfAsPeer = await app.gql(NOM, { input: { programId, nomineeId: "bob", kind: "SELF", reason: "Me me me" } }, carol);
    expect(selfAsPeer.data.nominate).toMatchObject({ __typename: "ValidationError", field: "input.nomineeId" });

    const list = await gql(`query ($p: ID!) { nominations(programId: $p, status: PENDING) { totalCount edges { node { id kind reason nominee { externalId } nominator { externalId } explanation { passed conditions { metric actual threshold passed } } } } } }`, { p: programId });
    expect(list.data.nominations.totalCount).toBe(3);
    const byNominee = Object.fromEntries(list.data.nominations.edges.map((e: any) => [e.node.nominee.externalId, e.node]));
    expect(byNominee.carol.explanation).toMatchObject({ passed: true, conditions: [{ metric: "ACTIVE_DAYS", actual: 21 }, { metric: "FEATURE_BREADTH", actual: 7 }] });
    expect(byNominee.dave.explanation.passed).toBe(false);

    const REVIEW = `mutation ($input: ReviewNominationInput!) { reviewNomination(input: $input) { __typename ... on ReviewNominationPayload { nomination { status reviewNote } invitation { id status message } } ... on ValidationError { field } } }`;
    const noNote = await gql(REVIEW, { input: { nominationId: byNominee.dave.id, accept: false } });
    expect(noNote.data.reviewNomination).toMatchObject({ __typename: "ValidationError", field: "input.note" });
    const declined = await gql(REVIEW, { input: { nominationId: byNominee.dave.id, accept: false, note: "Not enough activity yet" } });
    expect(declined.data.reviewNomination.nomination).toEqual({ status: "DECLINED", reviewNote: "Not enough activity yet" });
    const deliveriesBefore = await app.db.webhookDelivery.count({ where: { event: "invitation.created" } });
    const accepted = await gql(REVIEW, { input: { nominationId: byNominee.carol.id, accept: true } });
    const invitation = accepted.data.reviewNomination.invitation;
    expect(invitation.status).toBe("SENT");
    expect(invitation.message).toBe("Hi Carol, you were active 21 of the last 30 days and used 2 of 3 advanced features. Join Insiders!");
    expect(await app.db.webhookDelivery.count({ where: { event: "invitation.created" } })).toBe(deliveriesBefore + 1);

    const mine = await app.gql(`{ myInvitations { id message program { slug } } }`, {}, carol);
    expect(mine.data.myInvitations).toEqual([{ id: invitation.id, message: invitation.message, program: { slug: "insiders" } }]);
    const RESPOND = `mutation ($input: RespondToInvitationInput!) { respondToInvitation(input: $input) { __typename ... on RespondToInvitationPayload { invitation { status } membership { status source user { externalId } } } ... on ForbiddenError { message } ... on ConflictError { message } } }`;
    const stranger = await app.gql(RESPOND, { input: { invitationId: invitation.id, accept: true } }, bobToken);
    expect(stranger.data.respondToInvitation.__typename).toBe("ForbiddenError");
    const yes = await app.gql(RESPOND, { input: { invitationId: invitation.id, accept: true } }, carol);
    expect(yes.data.respondToInvitation).toMatchObject({ invitation: { status: "ACCEPTED" }, membership: { status: "ACTIVE", source: "INVITATION", user: { externalId: "carol" } } });
    const again = await app.gql(RESPOND, { input: { invitationId: invitation.id, accept: false } }, carol);
    expect(again.data.respondToInvitation.__typename).toBe("ConflictError");
  });

  it("previews and sends invitations, lets the invitee decline, and expires old ones", async () => {
    const preview = await gql(`query ($input: SendInvitationInput!) { previewInvitation(input: $input) { ... on InvitationPreview { message explanation { passed } } } }`, { input: { programId, userId: "bob", template: "{{displayName}}: {{evidence}} ({{featureBreadth}} features)" } });
    expect(preview.data.previewInvitation.message).toBe("Bob Example: Active days in the last 30 days: 20, Features used in the last 30 days: 5 (5 features)");
    expect(await app.db.invitation.count({ where: { userId: "bob" } })).toBe(0);
    const SEND = `mutation ($input: SendInvitationInput!) { sendInvitation(input: $input) { __typename ... on SendInvitationPayload { invitation { id status expiresAt } } ... on ConflictError { message } } }`;
    const sent = await gql(SEND, { input: { programId, userId: "bob", expiresInDays: 3 } });
    expect(sent.data.sendInvitation.invitation.status).toBe("SENT");
    const twice = await gql(SEND, { input: { programId, userId: "bob" } });
    expect(twice.data.sendInvitation.__typename).toBe("ConflictError");
    const RESPOND = `mutation ($input: RespondToInvitationInput!) { respondToInvitation(input: $input) { __typename ... on RespondToInvitationPayload { invitation { status } membership { id } } ... on ConflictError { message } } }`;
    const bob = await app.memberToken("bob");
    const no = await app.gql(RESPOND, { input: { invitationId: sent.data.sendInvitation.invitation.id, accept: false, reason: "Not now" } }, bob);
    expect(no.data.respondToInvitation).toEqual({ __typename: "RespondToInvitationPayload", invitation: { status: "DECLINED" }, membership: null });

    const mistake = await gql(SEND, { input: { programId, userId: "erin" } });
    const REVOKE = `mutation ($input: RevokeInvitationInput!) { revokeInvitation(input: $input) { __typename ... on RevokeInvitationPayload { invitation { status } } } }`;
    const revoked = await gql(REVOKE, { input: { invitationId: mistake.data.sendInvitation.invitation.id, reason: "Sent to the wrong person" } });
    expect(revoked.data.revokeInvitation).toEqual({ __typename: "RevokeInvitationPayload", invitation: { status: "REVOKED" } });
    expect((await app.gql(`{ myInvitations { id } }`, {}, await app.memberToken("erin"))).data.myInvitations).toEqual([]);
    const erinSent = await gql(SEND, { input: { programId, userId: "erin", expiresInDays: 1 } });
    const id = erinSent.data.sendInvitation.invitation.id;
    expect(await expireInvitations(app.db, new Date(Date.now() + 2 * 86_400_000))).toBe(1);
    const late = await app.gql(RESPOND, { input: { invitationId: id, accept: true } }, await app.memberToken("erin"));
    expect(late.data.respondToInvitation.__typename).toBe("ConflictError");
    expect(await app.db.membership.count({ where: { userId: "erin" } })).toBe(0);
  });

  it("keeps an onboarding checklist per member", async () => {
    const STEP = `mutation ($input: CreateOnboardingStepInput!) { createOnboardingStep(input: $input) { ... on CreateOnboardingStepPayload { step { id position title } } } }`;
    const a = await gql(STEP, { input: { programId, title: "Introduce yourself" } });
    const b = await gql(STEP, { input: { programId, title: "Join the monthly call", description: "First Tuesday" } });
    expect([a.data.createOnboardingStep.step.position, b.data.createOnboardingStep.step.position]).toEqual([1, 2]);
    const carol = await app.memberToken("carol");
    const Q = `{ onboarding(program: "insiders") { completedCount totalCount completed items { completed step { title } } } }`;
    expect((await app.gql(Q, {}, carol)).data.onboarding).toMatchObject({ completedCount: 0, totalCount: 2, completed: false });
    const DONE = `mutation ($input: CompleteOnboardingStepInput!) { completeOnboardingStep(input: $input) { __typename ... on CompleteOnboardingStepPayload { checklist { completedCount completed } } } }`;
    await app.gql(DONE, { input: { stepId: a.data.createOnboardingStep.step.id } }, carol);
    const done = await app.gql(DONE, { input: { stepId: b.data.createOnboardingStep.step.id } }, carol);
    expect(done.data.completeOnboardingStep.checklist).toEqual({ completedCount: 2, completed: true });
    const outsider = await app.gql(DONE, { input: { stepId: a.data.createOnboardingStep.step.id } }, await app.memberToken("erin"));
    expect(outsider.data.completeOnboardingStep.__typename).toBe("NotFoundError");
    expect((await app.gql(Q, {}, await app.memberToken("erin"))).data.onboarding).toBeNull();
  });
});

describe("tiers", () => {
  let app: TestApp;
  let programId: string;
  let token: string;
  const gql = (q: string, v: Record<string, unknown> = {}) => app.gql(q, v, "admin");
  const EVAL = `mutation ($input: EvaluateTiersInput!) { evaluateTiers(input: $input) { ... on EvaluateTiersPayload { promoted demoted inGrace unchanged changes } } }`;
  const PROGRESS = `{ tierProgress(program: "champs") { program { name } currentTier { name rank benefits } nextTier { name rank benefits } conditions { metric windowDays op threshold actual passed } } }`;

  beforeAll(async () => {
    app = await createTestApp();
    await app.db.user.create({ data: { id: "mia", externalId: "mia", displayName: "Mia" } });
    const p = await gql(CREATE, { input: { name: "Champions", slug: "champs", kind: "CHAMPIONS", demotionGraceDays: 14 } });
    programId = p.data.createProgram.program.id;
    const TIER = `mutation ($input: CreateTierInput!) { createTier(input: $input) { __typename ... on CreateTierPayload { tier { id name rank benefits } } ... on ConflictError { cfield: field } } }`;
    await gql(TIER, { input: { programId, name: "Advocate", rank: 1, benefits: ["Community channel"] } });
    const champ = await gql(TIER, { input: { programId, name: "Champion", rank: 2, benefits: ["Beta access", "Swag"], criteria: { condition: { metric: "POINTS", windowDays: 90, op: "GTE", value: 100 } } } });
    expect(champ.data.createTier.tier).toMatchObject({ name: "Champion", rank: 2, benefits: ["Beta access", "Swag"] });
    const clash = await gql(TIER, { input: { programId, name: "Other", rank: 2 } });
    expect(clash.data.createTier).toEqual({ __typename: "ConflictError", cfield: "input.rank" });
    await app.db.webhookSubscription.create({ data: { url: "http://host.example/hook", events: ["member.promoted", "member.demoted"], secret: "s3cret-s3cret-s3cret" } });
    const added = await gql(ADD, { input: { programId, userId: "mia" } });
    expect(added.data.addMember.membership.tier).toEqual({ name: "Advocate" });
    token = await app.memberToken("mia");
  });
  afterAll(() => app.close());

  it("shows a member their progress towards the next tier", async () => {
    await addPoints(app.db, "mia", 60, TODAY - 1);
    const r = await app.gql(PROGRESS, {}, token);
    expect(r.errors).toBeUndefined();
    expect(r.data.tierProgress).toEqual({
      program: { name: "Champions" },
      currentTier: { name: "Advocate", rank: 1, benefits: ["Community channel"] },
      nextTier: { name: "Champion", rank: 2, benefits: ["Beta access", "Swag"] },
      conditions: [{ metric: "POINTS", windowDays: 90, op: "GTE", threshold: 100, actual: 60, passed: false }],
    });
    expect((await app.gql(PROGRESS, {}, await app.memberToken("stranger"))).data.tierProgress).toBeNull();
  });

  it("promotes at once, with history, a recognition event and a webhook", async () => {
    await addPoints(app.db, "mia", 50, TODAY);
    const r = await gql(EVAL, { input: { programId } });
    expect(r.data.evaluateTiers).toMatchObject({ promoted: 1, demoted: 0, inGrace: 0 });
    expect(r.data.evaluateTiers.changes[0]).toMatch(/^mia: Promoted to Champion: Points in the last 90 days >= 100: 110/);
    const m = await app.db.membership.findFirstOrThrow({ where: { userId: "mia" }, include: { tier: true, tierChanges: { orderBy: { createdAt: "asc" } } } });
    expect(m.tier?.name).toBe("Champion");
    expect(m.tierChanges.map((c) => c.reason)).toEqual(["Joined the program in Advocate", expect.stringMatching(/^Promoted to Champion/)]);
    expect(await app.db.recognitionEvent.count({ where: { kind: "TIER_PROMOTED", userId: "mia" } })).toBe(1);
    expect(await app.db.webhookDelivery.count({ where: { event: "member.promoted" } })).toBe(1);
    const again = await gql(EVAL, { input: { programId } });
    expect(again.data.evaluateTiers).toMatchObject({ promoted: 0, unchanged: 1 });
  });

  it("demotes only after the grace period, and forgives a recovery inside it", async () => {
    await addPoints(app.db, "mia", -20, TODAY);
    const first = await gql(EVAL, { input: { programId } });
    expect(first.data.evaluateTiers).toMatchObject({ demoted: 0, inGrace: 1 });
    const m = await app.db.membership.findFirstOrThrow({ where: { userId: "mia" } });
    expect(m.belowTierSince).not.toBeNull();
    // Recovering inside the grace period clears the clock.
    await addPoints(app.db, "mia", 20, TODAY);
    expect((await gql(EVAL, { input: { programId } })).data.evaluateTiers).toMatchObject({ unchanged: 1, inGrace: 0 });
    expect((await app.db.membership.findFirstOrThrow({ where: { userId: "mia" } })).belowTierSince).toBeNull();
    await addPoints(app.db, "mia", -20, TODAY);
    await gql(EVAL, { input: { programId } });
    // 13 days below: still inside the 14-day grace.
    await app.db.membership.update({ where: { id: m.id }, data: { belowTierSince: new Date(Date.now() - 13 * 86_400_000) } });
    expect((await gql(EVAL, { input: { programId } })).data.evaluateTiers).toMatchObject({ demoted: 0, inGrace: 1 });
    await app.db.membership.update({ where: { id: m.id }, data: { belowTierSince: new Date(Date.now() - 15 * 86_400_000) } });
    const late = await gql(EVAL, { input: { programId } });
    expect(late.data.evaluateTiers).toMatchObject({ demoted: 1 });
    expect(late.data.evaluateTiers.changes[0]).toMatch(/^mia: Demoted to Advocate: below Champion since .* \(grace 14 days\): Points in the last 90 days >= 100: 90/);
    const after = await app.db.membership.findFirstOrThrow({ where: { userId: "mia" }, include: { tier: true } });
    expect(after).toMatchObject({ belowTierSince: null, tier: { name: "Advocate" } });
    expect(await app.db.webhookDelivery.count({ where: { event: "member.demoted" } })).toBe(1);
    const history = await app.gql(`{ myMemberships { tier { name } tierChanges { fromTier { name } toTier { name } reason } } }`, {}, token);
    expect(history.data.myMemberships[0].tierChanges.map((c: any) => [c.fromTier?.name ?? null, c.toTier.name])).toEqual([[null, "Advocate"], ["Advocate", "Champion"], ["Champion", "Advocate"]]);
  });

  it("admits one of two concurrent addMember calls for the same person and refuses the other with ConflictError", async () => {
    await app.db.user.create({ data: { id: "noah", externalId: "noah" } });
    const [a, b] = await Promise.all([gql(ADD, { input: { programId, userId: "noah" } }), gql(ADD, { input: { programId, userId: "noah" } })]);
    expect([a.data.addMember.__typename, b.data.addMember.__typename].sort()).toEqual(["AddMemberPayload", "ConflictError"]);
    expect(await app.db.membership.count({ where: { userId: "noah" } })).toBe(1);
  });

  it("registers the tier evaluation and invitation expiry jobs, and the tier job evaluates every program", async () => {
    const names = registeredJobs().map((j) => j.name);
    expect(names).toEqual(expect.arrayContaining(["tiers.evaluate", "invitations.expire"]));
    await addPoints(app.db, "noah", 500, TODAY);
    await registeredJobs().find((j) => j.name === "tiers.evaluate")!.run(app.server.services);
    const noah = await app.db.membership.findFirstOrThrow({ where: { userId: "noah" }, include: { tier: true, tierChanges: true } });
    expect(noah.tier?.name).toBe("Champion");
    expect(noah.tierChanges.at(-1)?.actor).toBe("system:tiers.evaluate");
  });
});
