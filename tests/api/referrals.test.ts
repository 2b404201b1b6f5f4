import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { encodeGlobalID } from "@pothos/plugin-relay";

const SUBMIT = `mutation ($input: SubmitReferralInput!) { submitReferral(input: $input) { __typename ... on SubmitReferralPayload { referral { id status referrer { externalId } } } ... on ValidationError { field } ... on ForbiddenError { message } } }`;
const UPDATE = `mutation ($input: UpdateReferralStatusInput!) { updateReferralStatus(input: $input) { __typename ... on UpdateReferralStatusPayload { referral { status value currency } } ... on ValidationError { field } ... on ConflictError { message } } }`;

describe("referrals", () => {
  let app: TestApp;
  let programId: string;
  beforeAll(async () => {
    app = await createTestApp();
    const program = await app.db.program.create({ data: { slug: "advocates", name: "Advocates", kind: "ADVOCACY" } });
    programId = encodeGlobalID("Program", program.id);
  });
  afterAll(() => app.close());

  it("lets a member refer as themselves and an integrator name the referrer", async () => {
    const token = await app.memberToken("referrer-1");
    const mine = await app.gql(SUBMIT, { input: { contactName: "Jo Buyer", company: "Acme", programId } }, token);
    expect(mine.data.submitReferral.referral).toMatchObject({ status: "SUBMITTED", referrer: { externalId: "referrer-1" } });
    const forOther = await app.gql(SUBMIT, { input: { contactName: "X", userId: "someone-else" } }, token);
    expect(forOther.data.submitReferral.__typename).toBe("ForbiddenError");
    const byAdmin = await app.gql(SUBMIT, { input: { contactName: "Kim", userId: "referrer-2", externalId: "crm-1", programId } }, "admin");
    expect(byAdmin.data.submitReferral.referral.referrer.externalId).toBe("referrer-2");
    const again = await app.gql(SUBMIT, { input: { contactName: "Kim", userId: "referrer-2", externalId: "crm-1", programId } }, "admin");
    expect(again.data.submitReferral.referral.id).toBe(byAdmin.data.submitReferral.referral.id);
    const noReferrer = await app.gql(SUBMIT, { input: { contactName: "Lee" } }, "admin");
    expect(noReferrer.data.submitReferral).toEqual({ __typename: "ValidationError", field: "input.userId" });
  });

  it("moves submitted -> qualified -> converted with a value, awarding the referral points once", async () => {
    const { data } = await app.gql(SUBMIT, { input: { contactName: "Pat", userId: "converter", programId } }, "admin");
    const id = data.submitReferral.referral.id;
    const skip = await app.gql(UPDATE, { input: { id, status: "CONVERTED", value: 1000 } }, "admin");
    expect(skip.data.updateReferralStatus.__typename).toBe("ConflictError");
    await app.gql(UPDATE, { input: { id, status: "QUALIFIED" } }, "admin");
    const noValue = await app.gql(UPDATE, { input: { id, status: "CONVERTED" } }, "admin");
    expect(noValue.data.updateReferralStatus).toEqual({ __typename: "ValidationError", field: "input.value" });
    const negative = await app.gql(UPDATE, { input: { id, status: "CONVERTED", value: -1 } }, "admin");
    expect(negative.data.updateReferralStatus).toEqual({ __typename: "ValidationError", field: "input.value" });
    const converted = await app.gql(UPDATE, { input: { id, status: "CONVERTED", value: 12000, currency: "EUR" } }, "admin");
    expect(converted.data.updateReferralStatus.referral).toEqual({ status: "CONVERTED", value: 12000, currency: "EUR" });
    const again = await app.gql(UPDATE, { input: { id, status: "CONVERTED", value: 12000 } }, "admin");
    expect(again.data.updateReferralStatus.__typename).toBe("ConflictError");
    const balance = await app.gql(`query ($p: ID) { all: pointsBalance(userId: "converter") inProgram: pointsBalance(userId: "converter", programId: $p) }`, { p: programId }, "admin");
    expect(balance.data).toEqual({ all: 50, inProgram: 50 });
    const entries = await app.db.pointsEntry.findMany({ where: { user: { externalId: "converter" } } });
    expect(entries.map((e) => e.reason)).toEqual(["REFERRAL_CONVERSION"]);
  });

  it("reports the conversion rate per program", async () => {
    const { data } = await app.gql(SUBMIT, { input: { contactName: "Lost Lead", userId: "loser", programId } }, "admin");
    await app.gql(UPDATE, { input: { id: data.submitReferral.referral.id, status: "LOST", reason: "Chose a competitor" } }, "admin");
    const stats = await app.gql(`query ($p: ID) { referralStats(programId: $p) { total submitted qualified converted lost conversionRate closedConversionRate convertedValue } }`, { p: programId }, "admin");
    expect(stats.data.referralStats).toEqual({ total: 4, submitted: 2, qualified: 0, converted: 1, lost: 1, conversionRate: 0.25, closedConversionRate: 0.5, convertedValue: 12000 });
    const list = await app.gql(`query ($p: ID) { referrals(programId: $p, status: LOST) { totalCount edges { node { contactName } } } }`, { p: programId }, "admin");
    expect(list.data.referrals).toEqual({ totalCount: 1, edges: [{ node: { contactName: "Lost Lead" } }] });
    const denied = await app.gql(`{ referralStats { total } }`, {}, await app.memberToken("nosy"));
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
