// Every domain file adds its types and fields to the one builder; this file builds the schema.
import { builder } from "../builder.ts";
import "./scalars.ts";
import "./errors.ts";
import "./root.ts";
import "./users.ts";
import "./api-keys.ts";
import "./leaderboards.ts";
import "./usage.ts";
import "./criteria.ts";
import "./programs.ts";
import "./program-members.ts";
import "./program-tiers.ts";
import "./program-invitations.ts";
import "./program-onboarding.ts";
import "./cohorts.ts";
import "./feedback.ts";
import "./notifications.ts";
import "./webhooks.ts";
import "./reports.ts";
import "./audit.ts";
import "./privacy.ts";
import "./contributions.ts";
import "./badges.ts";
import "./stories.ts";
import "./recognition.ts";
import "./referrals.ts";

export const schema = builder.toSchema({ sortSchema: false });
