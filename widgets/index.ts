// The bundle entry: importing this module defines every element.
export { configure, type WidgetConfig } from "./internal/config.ts";
export { PuErrorEvent } from "./internal/base.ts";
export * from "./leaderboard/leaderboard.ts";
