import type { Condition } from "../internal/conditions.ts";

export const TIER_PROGRESS_QUERY = /* GraphQL */ `query PuTierProgress($program: String) {
  tierProgress(program: $program) {
    program { name } currentTier { name rank benefits } nextTier { name rank benefits }
    conditions { metric windowDays op threshold actual passed label }
  }
}`;

interface Tier {
  name: string;
  rank: number;
  benefits: string[];
}

export interface TierProgress {
  program: { name: string };
  currentTier: Tier | null;
  nextTier: Tier | null;
  conditions: Condition[];
}
