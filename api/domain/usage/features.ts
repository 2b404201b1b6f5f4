// Features: created on first sight by ingest (named after their key), described and marked
// advanced by admins.
import type { Db } from "../../db.ts";
import type { Caller } from "../../context.ts";
import { recordAudit } from "../audit.ts";

export interface UpsertFeatureInput {
  key: string;
  name?: string | null;
  description?: string | null;
  advanced?: boolean | null;
}

export async function upsertFeature(db: Db, caller: Caller, requestId: string, input: UpsertFeatureInput) {
  return db.$transaction(async (tx) => {
    const before = await tx.feature.findUnique({ where: { key: input.key } });
    const data = {
      name: input.name ?? undefined,
      description: input.description,
      advanced: input.advanced ?? undefined,
    };
    const feature = before
      ? await tx.feature.update({ where: { id: before.id }, data })
      : await tx.feature.create({ data: { key: input.key, ...data, name: input.name ?? input.key } });
    await recordAudit(tx, caller, requestId, {
      action: before ? "feature.update" : "feature.create",
      targetType: "Feature",
      targetId: feature.key,
      before,
      after: feature,
    });
    return feature;
  });
}
