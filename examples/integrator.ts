// An integrator, server to server: pushes usage events with an API key, then reads the program's
// candidates (people who meet its criteria and are not members yet) with their evidence.
//
//   PU_API_URL=http://localhost:4000 PU_API_KEY=pu_... npx tsx examples/integrator.ts [program-slug]
//
// The key needs the scopes `usage:write` (to push) and `read` (to read candidates); create it as
// an admin in GraphiQL with createApiKey(input: { name: "integrator", scopes: [USAGE_WRITE, READ] }).
import { fileURLToPath } from "node:url";

export interface IntegratorOptions {
  url: string;
  key: string;
  program?: string;
  /** Who used what; by default a small synthetic day for three people. */
  events?: { userId: string; feature: string; occurredAt: string; eventId: string; sessionId?: string }[];
  log?: (line: string) => void;
}

async function gql<T>(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url.replace(/\/$/, "")}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

function sampleEvents(now = new Date()) {
  const day = now.toISOString().slice(0, 10);
  const events = [];
  for (const [userId, features] of [
    ["integrator-ada", ["dashboards", "reports", "api", "automations", "sql-editor"]],
    ["integrator-grace", ["dashboards", "search"]],
    ["integrator-alan", ["reports", "exports", "alerts"]],
  ] as const) {
    for (const [i, feature] of features.entries()) {
      // eventId makes the push idempotent: running the script twice counts each event once.
      events.push({ userId, feature, occurredAt: `${day}T0${i}:00:00Z`, eventId: `${userId}-${day}-${feature}`, sessionId: `${userId}-${day}` });
    }
  }
  return events;
}

export async function runIntegrator({ url, key, program = "insiders", events = sampleEvents(), log = console.log }: IntegratorOptions) {
  const ingest = await gql<{ ingestUsage: { __typename: string; accepted?: number; duplicates?: number; message?: string } }>(
    url,
    key,
    `mutation ($input: IngestUsageInput!) { ingestUsage(input: $input) {
      __typename ... on IngestUsagePayload { accepted duplicates } ... on Error { message } } }`,
    { input: { events } },
  );
  if (ingest.ingestUsage.__typename !== "IngestUsagePayload") throw new Error(`ingestUsage refused: ${ingest.ingestUsage.message}`);
  log(`pushed ${events.length} events: ${ingest.ingestUsage.accepted} new, ${ingest.ingestUsage.duplicates} already received`);

  const { program: found } = await gql<{ program: { id: string; name: string } | null }>(url, key, `query ($slug: String) { program(slug: $slug) { id name } }`, { slug: program });
  if (!found) throw new Error(`no program with slug ${program}`);
  const { candidates } = await gql<{
    candidates: { totalCount: number; edges: { node: { score: number; user: { externalId: string; displayName: string }; explanation: { conditions: { label: string }[] } } }[] };
  }>(
    url,
    key,
    `query ($programId: ID!) { candidates(programId: $programId, first: 10) {
      totalCount edges { node { score user { externalId displayName } explanation { conditions { label } } } } } }`,
    { programId: found.id },
  );
  log(`${found.name}: ${candidates.totalCount} candidates; the best ${candidates.edges.length}:`);
  for (const { node } of candidates.edges) {
    log(`  ${node.user.displayName} (${node.user.externalId}), score ${node.score.toFixed(2)}: ${node.explanation.conditions.map((c) => c.label).join("; ")}`);
  }
  return { ingest: ingest.ingestUsage, candidates };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const key = process.env.PU_API_KEY;
  if (!key) {
    console.error("Set PU_API_KEY to an API key with the usage:write and read scopes.");
    process.exit(1);
  }
  await runIntegrator({ url: process.env.PU_API_URL ?? "http://localhost:4000", key, program: process.argv[2] }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
