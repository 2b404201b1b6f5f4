// The bundle entry: importing this module defines every element.
export { configure, type WidgetConfig } from "./internal/config.ts";
export { PuEvent, type PuErrorEvent, type PuEventDetails } from "./internal/events.ts";
export * from "./leaderboard/leaderboard.ts";
export * from "./badge/badge.ts";
export * from "./feedback-form/feedback-form.ts";
export * from "./beta-signup/beta-signup.ts";
export * from "./tier-progress/tier-progress.ts";
export * from "./recognition-feed/recognition-feed.ts";
export * from "./story/story.ts";
export * from "./power-curve/power-curve.ts";
