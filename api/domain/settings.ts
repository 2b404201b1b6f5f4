// Workspace settings stored in the Setting table, with their defaults.
import type { Db } from "../db.ts";

export const SETTING_DEFAULTS = {
  /** When true, the workspace leaderboard needs a member token (or better) to read. */
  "leaderboard.membersOnly": false,
} as const;

export type SettingKey = keyof typeof SETTING_DEFAULTS;

export async function getSetting<K extends SettingKey>(db: Db, key: K): Promise<(typeof SETTING_DEFAULTS)[K]> {
  const row = await db.setting.findUnique({ where: { key } });
  return (row?.value as (typeof SETTING_DEFAULTS)[K] | undefined) ?? SETTING_DEFAULTS[key];
}
