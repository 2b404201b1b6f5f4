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
`;
