import type { Db } from "../db.ts";
import type { Caller } from "../context.ts";
import { generateApiKey, type ApiKeyScope } from "../auth/api-keys.ts";
import { NotFoundError } from "../errors.ts";
import { recordAudit } from "./audit.ts";

export async function createApiKey(db: Db, caller: Caller, requestId: string, name: string, scopes: ApiKeyScope[]) {
  const { secret, prefix, hash } = generateApiKey();
  const apiKey = await db.$transaction(async (tx) => {
    const key = await tx.apiKey.create({
      data: { name, prefix, hash, scopes: [...new Set(scopes)], createdBy: caller.actor },
    });
    await recordAudit(tx, caller, requestId, {
      action: "apiKey.create",
      targetType: "ApiKey",
      targetId: key.id,
      after: { name, prefix, scopes: key.scopes },
    });
    return key;
  });
  return { apiKey, secret };
}

export async function revokeApiKey(db: Db, caller: Caller, requestId: string, id: string, reason?: string | null) {
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key) throw new NotFoundError("ApiKey", id);
    if (key.revokedAt) return key;
    const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, caller, requestId, {
      action: "apiKey.revoke",
      targetType: "ApiKey",
      targetId: id,
      before: { revokedAt: null },
      after: { revokedAt: revoked.revokedAt },
      reason,
    });
    return revoked;
  });
}
