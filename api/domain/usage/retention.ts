// Retention: raw events are kept USAGE_RETENTION_DAYS after they were received, then purged;
// rollups are kept forever. Purging by receipt (not occurrence) keeps replays of a delivery
// idempotent for the whole window even when the events themselves are old history.
import { registerJob } from "../../jobs.ts";
import { sqlTime, type Db, type Dialect } from "../../db.ts";

const DELETE_CHUNK = 10_000;
const HOUR = 3_600_000;

/** Deletes events received before now - retentionDays, in chunks so writers are never blocked long. */
export async function purgeExpiredUsageEvents(db: Db, dialect: Dialect, retentionDays: number, now = new Date()) {
  if (!(retentionDays > 0)) return 0;
  const cutoff = sqlTime(dialect, new Date(now.getTime() - retentionDays * 86_400_000));
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "UsageEvent" WHERE "eventId" IN (
        SELECT "eventId" FROM "UsageEvent" WHERE "receivedAt" < ${cutoff} LIMIT ${DELETE_CHUNK})`;
    total += deleted;
    if (deleted < DELETE_CHUNK) return total;
  }
}

registerJob({
  name: "usage.retention",
  intervalMs: HOUR,
  run: async (services) => {
    await purgeExpiredUsageEvents(services.db, services.dialect, services.config.usageRetentionDays);
  },
});
