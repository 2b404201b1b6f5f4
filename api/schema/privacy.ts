// Privacy operations for admins: export everything about a person, erase their personal data.
import { z } from "zod";
import { builder } from "../builder.ts";
import { eraseUser, exportUserData } from "../domain/privacy.ts";
import { recordAudit } from "../domain/audit.ts";
import { NotFoundError } from "../errors.ts";
import { externalIdSchema, UserRef } from "./users.ts";
import type { User } from "../gen/sqlite/client.ts";

builder.queryField("exportUserData", (t) =>
  t.field({
    type: "JSON",
    nullable: true,
    description:
      "Everything held about one person across all tables, as JSON (a subject access request). Null for an unknown person. The export itself is audited.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    args: { userId: t.arg.string({ validate: externalIdSchema }) },
    resolve: async (_root, args, ctx) => {
      const data = await exportUserData(ctx.db, args.userId);
      if (data) {
        await recordAudit(ctx.db, ctx.caller, ctx.requestId, { action: "user.export", targetType: "User", targetId: args.userId });
      }
      return data;
    },
  }),
);

const EraseUserInput = builder.inputType("EraseUserInput", {
  fields: (t) => ({
    userId: t.string({ validate: externalIdSchema, description: "The person's externalId." }),
    reason: t.string({ validate: z.string().trim().min(1, "say why (e.g. the request's reference)").max(500) }),
  }),
});

const EraseUserPayload = builder.objectRef<{ user: User }>("EraseUserPayload").implement({
  authScopes: { admin: true },
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (p) => p.user, description: "The anonymised row that keeps their aggregates." }),
    erasedExternalId: t.string({ resolve: (p) => p.user.externalId, description: "The anonymous id the row now has." }),
  }),
});

builder.mutationField("eraseUser", (t) =>
  t.field({
    type: EraseUserPayload,
    description:
      "Erase a person's personal data (name, email, attributes, raw usage, notifications, their feedback text, referral contacts). Points, rollups and votes stay, anonymous, so boards and reports do not change.",
    skipTypeScopes: true,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: EraseUserInput }) },
    resolve: async (_root, { input }, ctx) => ({ user: await eraseUser(ctx.db, ctx.caller, ctx.requestId, input) }),
  }),
);
