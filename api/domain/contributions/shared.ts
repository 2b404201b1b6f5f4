// Small pieces shared by the contribution, badge, story and referral domains.
import { isUniqueViolation, type Db, type Dialect } from "../../db.ts";
import type { Caller } from "../../context.ts";

/** The interactive-transaction client (everything but the client-level methods). */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface WriteContext {
  db: Db;
  caller: Caller;
  requestId: string;
  dialect: Dialect;
}

/** A write's side effects to announce after commit: the leaderboard scopes whose points moved. */
export interface Changed {
  scopes: string[];
}



/** After commit: tell live leaderboards (subscriptions) which scopes moved. */
export function announceScopes(pubsub: { publish(topic: "leaderboard.changed", payload: { scope: string }): void }, scopes: string[]) {
  for (const scope of new Set(scopes)) pubsub.publish("leaderboard.changed", { scope });
}

/**
 * The person with this externalId, created on first sight. Outside any transaction and
 * tolerant of a concurrent creator: on PostgreSQL a unique violation inside a transaction
 * would abort it, so parallel first contributions for one new person must not race there.
 */
export async function ensureUser(db: Db, externalId: string) {
  const found = await db.user.findUnique({ where: { externalId } });
  if (found) return found;
  try {
    return await db.user.create({ data: { externalId } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.user.findUniqueOrThrow({ where: { externalId } });
  }
}
