// In-app notifications for members (`myNotifications`), written in the caller's transaction.
import type { Db } from "../db.ts";

type Tx = Pick<Db, "notification">;

export interface NotificationInput {
  kind: string;
  title: string;
  body?: string;
  link?: string;
  data?: Record<string, unknown>;
}

export async function notify(tx: Tx, userIds: string[], n: NotificationInput) {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await tx.notification.createMany({
    data: unique.map((userId) => ({
      userId,
      kind: n.kind,
      title: n.title,
      body: n.body ?? null,
      link: n.link ?? null,
      data: n.data === undefined ? undefined : JSON.parse(JSON.stringify(n.data)),
    })),
  });
}
