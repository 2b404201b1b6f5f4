// Per-request DataLoaders for lookups that are not Prisma relations (plugin-prisma batches those).
import DataLoader from "dataloader";
import type { Db } from "./db.ts";
import type { User } from "./gen/sqlite/client.ts";

export interface Loaders {
  userById: DataLoader<string, User | null>;
  userByExternalId: DataLoader<string, User | null>;
}

export function createLoaders(db: Db): Loaders {
  return {
    userById: new DataLoader(async (ids) => {
      const users = await db.user.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(users.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    userByExternalId: new DataLoader(async (externalIds) => {
      const users = await db.user.findMany({ where: { externalId: { in: [...externalIds] } } });
      const byId = new Map(users.map((u) => [u.externalId, u]));
      return externalIds.map((id) => byId.get(id) ?? null);
    }),
  };
}
