// In-process publish/subscribe for GraphQL subscriptions (server-sent events).
// Topics are typed here; a Redis event target can replace the default for several replicas.
import { createPubSub } from "graphql-yoga";

export type Topics = {
  /** Points changed for someone in this scope ("" = workspace, else a program id). */
  "leaderboard.changed": [{ scope: string }];
  /** Seats or waitlist changed in a cohort. */
  "cohort.changed": [cohortId: string, { cohortId: string }];
};

export function createAppPubSub() {
  return createPubSub<Topics>();
}

export type AppPubSub = ReturnType<typeof createAppPubSub>;
