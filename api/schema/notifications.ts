// A member's in-app notifications (feedback updates, cohort seats, invitations).
import { ownsRow } from "../context.ts";
import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";

/** The recipient and admins. */
async function recipientScopes(ctx: Context, n: { userId: string }) {
  return ctx.caller.kind === "admin" || (await ownsRow(ctx, n.userId));
}

export const NotificationRef = builder.prismaNode("Notification", {
  id: { field: "id" },
  authScopes: (n, ctx) => recipientScopes(ctx, n),
  fields: (t) => ({
    kind: t.exposeString("kind"),
    title: t.exposeString("title"),
    body: t.exposeString("body", { nullable: true }),
    link: t.exposeString("link", { nullable: true }),
    data: t.field({ type: "JSON", nullable: true, resolve: (n) => n.data }),
    read: t.boolean({ resolve: (n) => n.readAt !== null }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  myNotifications: t.prismaConnection({
    type: "Notification",
    cursor: "id",
    description: "The signed-in member's notifications, newest first.",
    skipTypeScopes: true,
    authScopes: { member: true },
    args: { unreadOnly: t.arg.boolean({ required: false }) },
    totalCount: async (_p, args, ctx) => ctx.db.notification.count({ where: { userId: (await ctx.currentUser()).id, ...(args.unreadOnly ? { readAt: null } : {}) } }),
    resolve: async (query, _root, args, ctx) => {
      const me = await ctx.currentUser();
      return ctx.db.notification.findMany({
        ...query,
        where: { userId: me.id, ...(args.unreadOnly ? { readAt: null } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
    },
  }),
}));

const MarkNotificationsReadInput = builder.inputType("MarkNotificationsReadInput", {
  fields: (t) => ({
    ids: t.globalIDList({ required: false, for: NotificationRef, description: "Leave out to mark all as read." }),
  }),
});

const MarkNotificationsReadPayload = builder.objectRef<{ updated: number; unread: number }>("MarkNotificationsReadPayload").implement({
  authScopes: { public: true },
  fields: (t) => ({ updated: t.exposeInt("updated"), unread: t.exposeInt("unread") }),
});

builder.mutationField("markNotificationsRead", (t) =>
  t.field({
    type: MarkNotificationsReadPayload,
    description: "Mark the member's own notifications read (ids of others' are ignored).",
    skipTypeScopes: true,
    authScopes: { member: true },
    errors: {},
    args: { input: t.arg({ type: MarkNotificationsReadInput, validate: z.object({ ids: z.array(z.any()).max(500).nullish() }) as never }) },
    resolve: async (_root, { input }, ctx) => {
      const me = await ctx.currentUser();
      const ids = input.ids?.map((g) => g.id);
      const { count } = await ctx.db.notification.updateMany({
        where: { userId: me.id, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
        data: { readAt: new Date() },
      });
      const unread = await ctx.db.notification.count({ where: { userId: me.id, readAt: null } });
      return { updated: count, unread };
    },
  }),
);
