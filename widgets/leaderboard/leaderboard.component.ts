// <pu-leaderboard>: top people by points for the workspace, a program or a team.
import { html, nothing } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { request } from "../internal/client.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { leaderboardStyles } from "./leaderboard.styles.ts";
import { LEADERBOARD_QUERY, type LeaderboardData, type LeaderboardEntryData } from "./leaderboard.graphql.ts";

const PERIODS = { week: "WEEK", month: "MONTH", quarter: "QUARTER", year: "YEAR", all: "ALL_TIME" } as const;
type PeriodAttribute = keyof typeof PERIODS;

export class PuLeaderboard extends PuElement {
  static styles = [sharedStyles, leaderboardStyles];

  /** Program slug; without it the board covers the whole workspace. */
  @property() program?: string;
  @property() team?: string;
  @property() period: PeriodAttribute = "all";
  @property({ type: Number }) limit = 10;

  protected defaultStrings = {
    title: "Leaderboard",
    "period.week": "this week",
    "period.month": "this month",
    "period.quarter": "this quarter",
    "period.year": "this year",
    "period.all": "all time",
    rank: "Rank",
    name: "Member",
    points: "Points",
    loading: "Loading the leaderboard…",
    empty: "No points yet. Be the first!",
    error: "The leaderboard could not be loaded: {message}",
    retry: "Try again",
    you: "(you)",
  };

  private board = new Task(this, {
    task: async ([program, team, period, limit]) => {
      try {
        return await request<LeaderboardData>(this.client, LEADERBOARD_QUERY, {
          program: program || null,
          team: team || null,
          period: PERIODS[period as PeriodAttribute] ?? "ALL_TIME",
          first: Math.max(1, Math.min(100, Number(limit) || 10)),
        });
      } catch (error) {
        throw new Error(this.reportError(error));
      }
    },
    // endpoint and token are arguments so that changing them reloads the board.
    args: () => [this.program, this.team, this.period, this.limit, this.endpoint, this.effectiveToken] as const,
  });

  protected configChanged() {
    this.board.run();
  }

  /** Reloads the board (also what the retry button does). */
  refresh() {
    return this.board.run();
  }

  render() {
    const period = this.t(`period.${this.period in PERIODS ? this.period : "all"}`);
    return html`<section part="base" aria-busy=${this.board.status === 1 ? "true" : "false"}>
      ${this.board.render({
        pending: () => html`<p class="state loading" role="status">${this.t("loading")}</p>`,
        error: (error) => html`<div class="state error" role="alert" part="error">
          <p>${this.t("error", { message: (error as Error).message })}</p>
          <button part="retry" @click=${() => this.refresh()}>${this.t("retry")}</button>
        </div>`,
        complete: (data) => this.renderBoard(data, period),
      })}
    </section>`;
  }

  private renderBoard(data: LeaderboardData, period: string) {
    const { edges, myPosition } = data.leaderboard;
    const title = `${this.t("title")} · ${period}`;
    if (edges.length === 0) {
      return html`<h2 part="title">${title}</h2><p class="state" role="status">${this.t("empty")}</p>`;
    }
    const me = myPosition?.user.externalId;
    const shown = new Set(edges.map((e) => e.node.user.externalId));
    const meBelowCut = myPosition && !shown.has(myPosition.user.externalId);
    return html`<table part="table">
      <caption part="title">${title}</caption>
      <thead>
        <tr>
          <th scope="col" class="rank">${this.t("rank")}</th>
          <th scope="col">${this.t("name")}</th>
          <th scope="col" class="points">${this.t("points")}</th>
        </tr>
      </thead>
      <tbody>
        ${edges.map((e) => this.renderRow(e.node, e.node.user.externalId === me))}
        ${meBelowCut
          ? html`<tr class="gap" aria-hidden="true"><td colspan="3">…</td></tr>
              ${this.renderRow(myPosition, true)}`
          : nothing}
      </tbody>
    </table>`;
  }

  private renderRow(entry: LeaderboardEntryData, isMe: boolean) {
    return html`<tr class="row ${isMe ? "me" : ""}" part="row${isMe ? " row-me" : ""}" aria-current=${isMe ? "true" : nothing}>
      <td class="rank" part="rank">${entry.rank}</td>
      <td class="name ${entry.user.isAnonymous ? "anonymous" : ""}" part="name">
        ${entry.user.displayName} ${isMe ? html`<span class="you">${this.t("you")}</span>` : nothing}
      </td>
      <td class="points" part="points">${entry.points.toLocaleString()}</td>
    </tr>`;
  }
}
