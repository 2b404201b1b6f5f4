// Kill -9 in the middle of a stream of writes, restart, replay every batch: nothing that was
// acknowledged is lost, and nothing is counted twice. Uses every idempotent write the schema
// has: upsertUser always; ingestUsage and recordContribution when those features are present.
import { afterAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl, ADMIN_SECRET } from "../helpers/app.ts";
import { spawnServer, type ServerProcess } from "../helpers/server-process.ts";
import { openDatabase } from "../../api/db.ts";
import { schema } from "../../api/schema/index.ts";

const mutations = schema.getMutationType()!.getFields();
const hasUsage = "ingestUsage" in mutations;
const hasContributions = "recordContribution" in mutations;
const BATCHES = 120;
const EVENTS_PER_BATCH = 5;
const POINTS = 7;

function batchOperations(i: number) {
  const ops: { query: string; variables: Record<string, unknown> }[] = [
    {
      query: `mutation ($input: UpsertUserInput!) { upsertUser(input: $input) { __typename } }`,
      variables: { input: { externalId: `crash-${i}`, displayName: `Crash ${i}`, team: "T" } },
    },
  ];
  const when = new Date(Date.now() - 3600_000).toISOString();
  if (hasUsage) {
    ops.push({
      query: `mutation ($input: IngestUsageInput!) { ingestUsage(input: $input) { __typename } }`,
      variables: {
        input: {
          events: Array.from({ length: EVENTS_PER_BATCH }, (_, j) => ({
            eventId: `crash-ev-${i}-${j}`,
            userId: `crash-${i}`,
            feature: "crash-feature",
            occurredAt: when,
            sessionId: `s-${i}`,
          })),
        },
      },
    });
  }
  if (hasContributions) {
    ops.push({
      query: `mutation ($input: RecordContributionInput!) { recordContribution(input: $input) { __typename } }`,
      variables: { input: { externalId: `crash-c-${i}`, userId: `crash-${i}`, kind: "TALK", points: POINTS, occurredAt: when } },
    });
  }
  return ops;
}

async function send(url: string, op: { query: string; variables: Record<string, unknown> }) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_SECRET}` },
    body: JSON.stringify(op),
  });
  const body = (await response.json()) as { data?: Record<string, { __typename: string }>; errors?: unknown[] };
  if (response.status !== 200 || body.errors) throw new Error(`write failed: ${response.status} ${JSON.stringify(body.errors)}`);
  const typename = Object.values(body.data ?? {})[0]?.__typename;
  if (!typename || /Error$/.test(typename)) throw new Error(`write refused: ${typename}`);
}

/** Sends every operation of batch i in order; true when all were acknowledged. */
async function sendBatch(url: string, i: number) {
  for (const op of batchOperations(i)) await send(url, op);
}

describe("crash safety (SIGKILL mid-write, restart, replay)", () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill("SIGKILL");
  });

  it(`loses no acknowledged write and double counts nothing (usage: ${hasUsage}, contributions: ${hasContributions})`, { timeout: 180_000 }, async () => {
    const databaseUrl = await freshDatabaseUrl();
    server = await spawnServer(databaseUrl);
    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    // Four concurrent writers; the server is killed once a third of the batches are through.
    const writer = async () => {
      while (!killed && next < BATCHES) {
        const i = next++;
        try {
          await sendBatch(server!.url, i);
          acknowledged.add(i);
        } catch {
          return; // the server died under us
        }
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    while (acknowledged.size < BATCHES / 3) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    await server.kill("SIGKILL");
    await Promise.all(writers);
    expect(acknowledged.size).toBeGreaterThanOrEqual(BATCHES / 3);
    expect(acknowledged.size).toBeLessThan(BATCHES);

    server = await spawnServer(databaseUrl);
    const check = await openDatabase(databaseUrl);
    try {
      // Nothing acknowledged before the crash was lost.
      const present = new Set(
        (await check.db.user.findMany({ where: { externalId: { startsWith: "crash-" } }, select: { externalId: true } })).map((u) => u.externalId),
      );
      for (const i of acknowledged) expect(present.has(`crash-${i}`), `batch ${i}`).toBe(true);
      if (hasUsage) {
        for (const i of acknowledged) {
          expect(await check.db.usageEvent.count({ where: { eventId: { startsWith: `crash-ev-${i}-` } } }), `usage of batch ${i}`).toBe(EVENTS_PER_BATCH);
        }
      }

      // Replay every batch, acknowledged or not, as an integrator would after a timeout.
      for (let i = 0; i < BATCHES; i++) await sendBatch(server.url, i);

      expect(await check.db.user.count({ where: { externalId: { startsWith: "crash-" } } })).toBe(BATCHES);
      expect(await check.db.auditLog.count({ where: { action: "user.create", targetId: { startsWith: "crash-" } } })).toBe(BATCHES);
      if (hasUsage) {
        expect(await check.db.usageEvent.count({ where: { eventId: { startsWith: "crash-ev-" } } })).toBe(BATCHES * EVENTS_PER_BATCH);
        const days = await check.db.userDay.aggregate({ _sum: { events: true }, where: { user: { externalId: { startsWith: "crash-" } } } });
        expect(days._sum.events).toBe(BATCHES * EVENTS_PER_BATCH);
      }
      if (hasContributions) {
        expect(await check.db.contribution.count({ where: { externalId: { startsWith: "crash-c-" } } })).toBe(BATCHES);
        const ledger = await check.db.pointsEntry.aggregate({ _sum: { points: true }, _count: true, where: { user: { externalId: { startsWith: "crash-" } } } });
        expect(ledger._count).toBe(BATCHES);
        expect(ledger._sum.points).toBe(BATCHES * POINTS);
        const totals = await check.db.pointsTotal.aggregate({ _sum: { points: true }, where: { scope: "", user: { externalId: { startsWith: "crash-" } } } });
        expect(totals._sum.points).toBe(BATCHES * POINTS);
      }
    } finally {
      await check.close();
    }
  });
});
