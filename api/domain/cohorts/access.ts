// "Does user U have early access to feature F?" for feature-flag checks. Per database and
// featureKey, the set of externalIds with an ACCEPTED enrolment in a non-archived cohort is kept
// in memory and dropped on every enrolment change made by this process, so a check right after a
// change is correct. Other replicas learn of changes only through the TTL (FEATURE_ACCESS_TTL_MS,
// default 30 s): with several replicas, a change is visible everywhere within that time.
import type { Db } from "../../db.ts";

interface Entry {
  users: Promise<Set<string>>;
  loadedAt: number;
}

interface Cache {
  entries: Map<string, Entry>;
  /** Bumped on every invalidation, so a load that raced a change is not kept. */
  generation: Map<string, number>;
}

const caches = new WeakMap<Db, Cache>();
/** Read once: checks are the hot path. */
const TTL_MS = Number(process.env.FEATURE_ACCESS_TTL_MS ?? 30_000);

function cacheFor(db: Db): Cache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { entries: new Map(), generation: new Map() }));
  return cache;
}

export function invalidateFeatureAccess(db: Db, featureKey: string) {
  const cache = cacheFor(db);
  cache.entries.delete(featureKey);
  cache.generation.set(featureKey, (cache.generation.get(featureKey) ?? 0) + 1);
}

async function loadUsers(db: Db, featureKey: string) {
  const rows = await db.enrollment.findMany({
    where: { status: "ACCEPTED", cohort: { featureKey, archivedAt: null } },
    select: { user: { select: { externalId: true } } },
  });
  return new Set(rows.map((r) => r.user.externalId));
}

export function usersWithAccess(db: Db, featureKey: string): Promise<Set<string>> {
  const cache = cacheFor(db);
  const now = Date.now();
  const hit = cache.entries.get(featureKey);
  if (hit && now - hit.loadedAt < TTL_MS) return hit.users;
  const generation = cache.generation.get(featureKey) ?? 0;
  const users = loadUsers(db, featureKey);
  const entry = { users, loadedAt: now };
  cache.entries.set(featureKey, entry);
  users.then(
    () => {
      if ((cache.generation.get(featureKey) ?? 0) !== generation && cache.entries.get(featureKey) === entry) {
        cache.entries.delete(featureKey);
      }
    },
    () => {
      if (cache.entries.get(featureKey) === entry) cache.entries.delete(featureKey);
    },
  );
  return users;
}

export async function hasFeatureAccess(db: Db, featureKey: string, externalId: string) {
  return (await usersWithAccess(db, featureKey)).has(externalId);
}
