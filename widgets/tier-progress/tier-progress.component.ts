// <pu-tier-progress>: the signed-in member's tier and progress to the next, condition by condition.
import { html, nothing } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { conditionLabel, conditionProgress } from "../internal/conditions.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { tierProgressStyles } from "./tier-progress.styles.ts";
import { TIER_PROGRESS_QUERY, type TierProgress } from "./tier-progress.graphql.ts";

export class PuTierProgress extends PuElement {
  static styles = [sharedStyles, tierProgressStyles];

  /** Program slug; without it, the member's main program. */
  @property() program?: string;

  protected defaultStrings = {
    empty: "You are not in a program yet.",
    signIn: "Sign in to see your progress.",
    current: "Your tier: {name}",
    noTier: "No tier yet",
    next: "Next: {name}",
    top: "You have reached the top tier. Thank you!",
    value: "{actual} of {threshold}",
    benefits: "What {name} brings",
  };

  protected load = new Task(this, {
    task: async ([program, , token]) => {
      if (!token) return undefined;
      return (await this.query<{ tierProgress: TierProgress | null }>(TIER_PROGRESS_QUERY, { program: program || null })).tierProgress;
    },
    args: () => [this.program, this.endpoint, this.effectiveToken] as const,
  });

  render() {
    return this.renderLoad<TierProgress | null | undefined>((p) => {
      if (p === undefined) return this.state("signIn");
      if (!p) return this.state("empty");
      const next = p.nextTier;
      return html`<h2 part="title">${p.program.name}</h2>
        <p part="current">${p.currentTier ? this.t("current", { name: p.currentTier.name }) : this.t("noTier")}</p>
        ${next
          ? html`<h3 part="next">${this.t("next", { name: next.name })}</h3>
              <ol part="conditions">
                ${p.conditions.map((c) => {
                  const label = c.threshold === null || c.actual === null ? c.label ?? c.metric : conditionLabel(c);
                  const value = c.threshold === null || c.actual === null ? "" : this.t("value", { actual: c.actual, threshold: c.threshold });
                  const share = Math.round(conditionProgress(c) * 100);
                  return html`<li class=${c.passed ? "passed" : "open"} part="condition">
                    <div class="label">
                      <span>${label[0]!.toUpperCase() + label.slice(1)}</span>
                      <span class="value">${value} ${c.passed ? "✓" : ""}</span>
                    </div>
                    <div class="bar" part="bar" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100"
                      aria-valuenow=${share} aria-valuetext=${value || `${share}%`}>
                      <div class="fill" style="width:${share}%"></div>
                    </div>
                  </li>`;
                })}
              </ol>
              ${next.benefits.length
                ? html`<p>${this.t("benefits", { name: next.name })}</p>
                    <ul class="benefits" part="benefits">${next.benefits.map((b) => html`<li>${b}</li>`)}</ul>`
                : nothing}`
          : html`<p part="top">${this.t("top")}</p>`}`;
    });
  }
}
