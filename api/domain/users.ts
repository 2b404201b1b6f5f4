// People, keyed by the host's externalId.
import type { Db } from "../db.ts";
import type { Caller } from "../context.ts";
import type { User } from "../gen/sqlite/client.ts";
import { recordAudit } from "./audit.ts";

export const ANONYMOUS_MEMBER_NAME = "Anonymous member";

export interface UpsertUserInput {
  externalId: string;
  displayName?: string | null;
  email?: string | null;
  team?: string | null;
  managerExternalId?: string | null;
  attributes?: Record<string, string | number | boolean> | null;
  showOnLeaderboards?: boolean | null;
}

/** Admins and API keys with the `read` scope: they read everything members may keep private. */
export function isReader(caller: Caller) {
  return caller.kind === "admin" || (caller.kind === "integrator" && caller.scopes.has("read"));
}

/** May this caller see who an opted-out user is? Readers, and the person themselves. */
export function canSeeIdentity(caller: Caller, user: Pick<User, "externalId">) {
  return isReader(caller) || (caller.kind === "member" && caller.externalId === user.externalId);
}

export function publicName(caller: Caller, user: Pick<User, "externalId" | "displayName" | "showOnLeaderboards" | "erasedAt">) {
  if (user.erasedAt) return ANONYMOUS_MEMBER_NAME;
  if (!user.showOnLeaderboards && !canSeeIdentity(caller, user)) return ANONYMOUS_MEMBER_NAME;
  return user.displayName ?? user.externalId;
}

export async function upsertUser(db: Db, caller: Caller, requestId: string, input: UpsertUserInput): Promise<User> {
  return db.$transaction(async (tx) => {
    let managerId: string | null | undefined;
    if (input.managerExternalId === null) managerId = null;
    else if (input.managerExternalId !== undefined) {
      if (input.managerExternalId === input.externalId) managerId = null;
      else {
        const manager = await tx.user.upsert({
          where: { externalId: input.managerExternalId },
          update: {},
          create: { externalId: input.managerExternalId },
        });
        managerId = manager.id;
      }
    }
    const data = {
      displayName: input.displayName,
      email: input.email,
      team: input.team,
      managerId,
      attributes: input.attributes ?? undefined,
      showOnLeaderboards: input.showOnLeaderboards ?? undefined,
    };
    const before = await tx.user.findUnique({ where: { externalId: input.externalId } });
    const user = before
      ? await tx.user.update({ where: { id: before.id }, data })
      : await tx.user.create({ data: { externalId: input.externalId, ...data, attributes: input.attributes ?? {} } });
    await recordAudit(tx, caller, requestId, {
      action: before ? "user.update" : "user.create",
      targetType: "User",
      targetId: user.externalId,
      before,
      after: user,
    });
    return user;
  });
}
