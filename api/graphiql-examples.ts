// The operations GraphiQL opens with, so an admin can try the API without reading docs first.
export const exampleOperations = /* GraphQL */ `# Power-user platform: example operations.
# Send the admin secret as a header: { "Authorization": "Bearer <ADMIN_SECRET>" }
# (npm start prints it; on localhost in development it is filled in below).

query Leaderboard {
  leaderboard(period: ALL_TIME, first: 10) {
    edges { node { rank points user { externalId displayName } } }
  }
}

query People {
  users(first: 10, search: "") {
    totalCount
    edges { node { externalId displayName team email } }
  }
}

query OnePerson {
  user(externalId: "demo-user-001") { externalId displayName team attributes }
}

mutation AddPerson {
  upsertUser(input: { externalId: "u-42", displayName: "Ada Lovelace", email: "ada@example.com", team: "Analytics" }) {
    __typename
    ... on UpsertUserPayload { user { id externalId displayName } }
    ... on ValidationError { field message issues { field message } }
  }
}

mutation NewIntegratorKey {
  createApiKey(input: { name: "warehouse sync", scopes: [USAGE_WRITE, READ] }) {
    ... on CreateApiKeyPayload { secret apiKey { id prefix scopes } }
  }
}

query Programs {
  programs(first: 10) { edges { node { id slug name kind visibility memberCount criteriaConditions { description } tiers { name rank benefits } } } }
}

query Candidates {
  program(slug: "insiders") { id name }
  # Paste the program id from above.
  candidates(programId: "UHJvZ3JhbTpkZW1vLXByb2dyYW0taW5zaWRlcnM=", first: 10) {
    totalCount
    edges { node { score user { externalId displayName } explanation { passed conditions { label passed } } } }
  }
}

mutation CreateProgram {
  createProgram(input: {
    name: "Power analysts", slug: "power-analysts", kind: ADVOCACY,
    criteria: { all: [
      { condition: { metric: ACTIVE_DAYS, windowDays: 30, op: GTE, value: 20 } },
      { condition: { metric: ADVANCED_FEATURES, windowDays: 30, op: GTE, value: 2 } }
    ] },
    invitationTemplate: "Hi {{firstName}}, you were active {{activeDays}} of the last 30 days and used {{advancedFeatures}} of {{advancedFeaturesTotal}} advanced features. Join {{program.name}}?"
  }) {
    __typename
    ... on CreateProgramPayload { program { id slug } }
    ... on ValidationError { field message }
  }
}

mutation AddMember {
  addMember(input: { programId: "UHJvZ3JhbTpkZW1vLXByb2dyYW0taW5zaWRlcnM=", userId: "demo-user-150" }) {
    __typename
    ... on AddMemberPayload { membership { status source tier { name } } }
    ... on CriteriaNotMetError { message failedConditions { label } }
  }
}

mutation EvaluateTiers {
  evaluateTiers(input: { programId: "UHJvZ3JhbTpkZW1vLXByb2dyYW0taW5zaWRlcnM=" }) {
    ... on EvaluateTiersPayload { promoted demoted inGrace unchanged changes }
  }
}

query Cohorts {
  cohorts(first: 10) {
    edges { node { id name featureKey capacity seatsLeft waitlistLength mode isOpen } }
  }
}

query HasEarlyAccess {
  featureAccess(featureKey: "ai-assistant", userId: "demo-user-001")
}

query FeedbackTriage {
  feedbackItems(status: NEW, first: 20) {
    totalCount
    edges { node { id kind title voteCount status allowedNextStatuses } }
  }
}

mutation SubscribeWebhook {
  createWebhook(input: { url: "https://example.com/hooks/pu", events: ["*"], description: "try me" }) {
    __typename
    ... on CreateWebhookPayload { secret webhook { id url events } }
    ... on ValidationError { field message }
  }
}

mutation RecordContribution {
  recordContribution(input: { userId: "u-42", kind: ANSWER, externalId: "forum-post-981", occurredAt: "2026-11-20T09:30:00Z", title: "How to share a dashboard" }) {
    __typename
    ... on RecordContributionPayload { created contribution { id points status } }
    ... on ValidationError { field message }
  }
}

query ModerationQueue {
  contributions(status: PENDING, first: 20) { totalCount edges { node { id kind title user { displayName } } } }
}

query MonthBoardAndFeed {
  leaderboard(program: "insiders", period: MONTH, first: 10) { totalCount edges { node { rank points user { displayName title } } } }
  recognitionFeed(program: "insiders", first: 10) { edges { node { kind message occurredAt user { displayName } badge { name } } } }
}

query MemberCard {
  memberCard(userId: "demo-user-001", program: "insiders") { user { displayName } title points tier { name } badges { name icon } }
}

query Referrals {
  referralStats(programId: "UHJvZ3JhbTpkZW1vLXByb2dyYW0taW5zaWRlcnM=") { total converted lost conversionRate convertedValue }
}
`;
