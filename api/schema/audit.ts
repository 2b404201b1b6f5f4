// The audit log, read by admins: every admin and API-key write, newest first.
import { z } from "zod";
import { builder } from "../builder.ts";

builder.prismaNode("AuditLog", {
  id: { field: "id" },
  name: "AuditLogEntry",
  authScopes: { admin: true },
  description: "One write by an admin, an API key or the system: who, what, on which object, before and after, why.",
  fields: (t) => ({
    actorKind: t.exposeString("actorKind", { description: "admin | integrator | member | system" }),
    actorId: t.exposeString("actorId", { nullable: true, description: "`admin-secret`, `key:<prefix>` or `member:<externalId>`." }),
    action: t.exposeString("action", { description: "e.g. `user.update`, `apiKey.revoke`, `user.erase`." }),
    targetType: t.exposeString("targetType"),
    targetId: t.exposeString("targetId", { nullable: true }),
    before: t.expose("before", { type: "JSON", nullable: true }),
    after: t.expose("after", { type: "JSON", nullable: true }),
    reason: t.exposeString("reason", { nullable: true }),
    requestId: t.exposeString("requestId", { nullable: true, description: "Matches the request's log line." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const ActorKind = builder.enumType("AuditActorKind", {
  values: { ADMIN: { value: "admin" }, INTEGRATOR: { value: "integrator" }, MEMBER: { value: "member" }, SYSTEM: { value: "system" } },
});

builder.queryField("auditLog", (t) =>
  t.prismaConnection({
    type: "AuditLog",
    cursor: "id",
    description: "The audit log, newest first, filtered by target and actor kind (admins only).",
    skipTypeScopes: true,
    authScopes: { admin: true },
    args: {
      targetType: t.arg.string({ required: false, validate: z.string().max(100) }),
      targetId: t.arg.string({ required: false, validate: z.string().max(200) }),
      actorKind: t.arg({ type: ActorKind, required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.auditLog.findMany({
        ...query,
        where: {
          ...(args.targetType ? { targetType: args.targetType } : {}),
          ...(args.targetId ? { targetId: args.targetId } : {}),
          ...(args.actorKind ? { actorKind: args.actorKind } : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
);
