// Query cost limits (graphql-armor): depth, aliases, tokens, directives and an overall cost,
// checked before anything runs. Messages name the limit that was hit and its value
// ("Query depth limit of 10 exceeded, found 12."), so a developer knows what to change.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { SecurityConfig } from "../config.ts";

// A refused document is the client's fault: 400 with a code naming the limit, like any
// other validation failure (armor itself leaves the HTTP status at 200).
const refuse = (code: string) => [
  (_ctx: unknown, error: GraphQLError) => {
    Object.assign(error.extensions as Record<string, unknown>, { code, http: { status: 400 } });
  },
];

export function queryLimitsPlugin(limits: SecurityConfig["limits"], production: boolean) {
  const on = (n: number) => n > 0;
  return EnvelopArmorPlugin({
    maxDepth: { enabled: on(limits.maxDepth), n: limits.maxDepth, exposeLimits: true, ignoreIntrospection: true, flattenFragments: true, onReject: refuse("MAX_DEPTH") },
    maxAliases: { enabled: on(limits.maxAliases), n: limits.maxAliases, exposeLimits: true, onReject: refuse("MAX_ALIASES") },
    maxTokens: { enabled: on(limits.maxTokens), n: limits.maxTokens, exposeLimits: true, onReject: refuse("MAX_TOKENS") },
    maxDirectives: { enabled: on(limits.maxDirectives), n: limits.maxDirectives, exposeLimits: true, onReject: refuse("MAX_DIRECTIVES") },
    costLimit: { enabled: on(limits.maxCost), maxCost: limits.maxCost, exposeLimits: true, ignoreIntrospection: true, onReject: refuse("MAX_COST") },
    // "Did you mean ...?" hints map a hidden schema field by field; only development keeps them.
    blockFieldSuggestion: { enabled: production },
  });
}
