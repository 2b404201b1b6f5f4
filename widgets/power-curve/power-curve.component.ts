// <pu-power-curve>: how many people were active on exactly k days of the window (an SVG bar chart
// with a data table for screen readers and keyboard users). Aggregate-only: it reads with an API
// key of scope `metrics:read`, so a dashboard page never carries an admin secret.
import { html, svg } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { powerCurveStyles } from "./power-curve.styles.ts";
import { POWER_CURVE_QUERY, type PowerCurve, type PowerCurveResult } from "./power-curve.graphql.ts";
import { bars, CHART, fillBuckets, summary, todayUtc } from "./power-curve.logic.ts";

export class PuPowerCurve extends PuElement {
  static styles = [sharedStyles, powerCurveStyles];

  /** Last day of the window (YYYY-MM-DD, UTC); default today. */
  @property({ attribute: "as-of" }) asOf?: string;
  /** Window length in days (7 gives L7, 30 gives L30). */
  @property({ type: Number, attribute: "window-days" }) windowDays = 30;

  protected defaultStrings = {
    title: "Power-user curve (L{window})",
    empty: "No activity in this window.",
    signIn: "This chart needs an API key with the metrics:read scope.",
    description: "{total} people were active in the {window} days to {asOf}; {power} of them ({share}%) on {minDays} days or more.",
    table: "Show the data as a table",
    days: "Days active",
    users: "People",
    axis: "Days active in the window",
  };

  protected load = new Task(this, {
    task: async ([asOf, windowDays, , token]) => {
      if (!token) return undefined;
      const { powerUserCurve: curve } = await this.query<{ powerUserCurve: PowerCurveResult }>(POWER_CURVE_QUERY, { asOf: asOf || todayUtc(), windowDays });
      if ("message" in curve) throw new Error(this.reportError(new Error(curve.message)));
      return curve;
    },
    args: () => [this.asOf, this.windowDays, this.endpoint, this.effectiveToken] as const,
  });

  render() {
    return this.renderLoad<PowerCurve | undefined>((curve) => {
      if (!curve) return this.state("signIn");
      const window = curve.windowDays;
      const buckets = fillBuckets(window, curve.buckets);
      const s = summary(buckets, window);
      const title = this.t("title", { window });
      if (!s.total) return html`<h2 part="title">${title}</h2>${this.state("empty")}`;
      const chart = bars(buckets);
      const description = this.t("description", { ...s, window, asOf: this.asOf || todayUtc() });
      const baseline = CHART.height - CHART.bottom;
      const labelEvery = window > 14 ? 5 : 1;
      return html`<h2 id="title" part="title">${title}</h2>
        <p id="description" part="description">${description}</p>
        <svg part="chart" role="img" aria-labelledby="title description" viewBox="0 0 ${CHART.width} ${CHART.height}" preserveAspectRatio="xMidYMid meet">
          <line x1=${CHART.left} x2=${CHART.width} y1=${baseline} y2=${baseline}></line>
          <text x=${CHART.left - 6} y=${CHART.top + 10} text-anchor="end">${chart.max}</text>
          <text x=${CHART.left - 6} y=${baseline} text-anchor="end">0</text>
          ${chart.bars.map(
            (b) => svg`<rect class="bar ${b.activeDays >= s.minDays ? "power" : ""}" x=${b.x} y=${b.y} width=${b.width} height=${b.height}></rect>
              ${b.activeDays === 1 || b.activeDays % labelEvery === 0
                ? svg`<text x=${b.x + b.width / 2} y=${baseline + 14} text-anchor="middle">${b.activeDays}</text>`
                : null}`,
          )}
        </svg>
        <details part="data">
          <summary>${this.t("table")}</summary>
          <table part="table">
            <thead><tr><th scope="col">${this.t("days")}</th><th scope="col">${this.t("users")}</th></tr></thead>
            <tbody>${buckets.map((b) => html`<tr><th scope="row">${b.activeDays}</th><td>${b.users}</td></tr>`)}</tbody>
          </table>
        </details>`;
    });
  }
}
