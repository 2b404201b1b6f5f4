// <pu-leaderboard>: top people by points for the workspace, a program or a team.
// With `live`, a subscription (server-sent events) keeps it current and reconnects on loss.
import { html, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { unwrap } from "../internal/client.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { leaderboardStyles } from "./leaderboard.styles.ts";
import { LEADERBOARD_QUERY, LEADERBOARD_SUBSCRIPTION, type Board, type LeaderboardEntryData } from "./leaderboard.graphql.ts";
import { boardRows, boardVariables, PERIODS, reconnectDelay, withPushedEntries } from "./leaderboard.logic.ts";

export class PuLeaderboard extends PuElement {
  static styles = [sharedStyles, leaderboardStyles];

  /** Program slug; without it the board covers the whole workspace. */
  @property() program?: string;
  @property() team?: string;
  /** week | month | quarter | year | all */
  @property() period = "all";
  @property({ type: Number }) limit = 10;
  /** Stay current through the `leaderboardChanged` subscription. */
  @property({ type: Boolean, reflect: true }) live = false;

  /** The latest board pushed by the subscription; replaces the loaded one until the next load. */
  @state() private pushed?: Board;
  private stream?: { unsubscribe(): void };
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attempts = 0;

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
    empty: "No points yet. Be the first!",
    you: "(you)",
    yourPosition: "Your position",
  };

  protected load = new Task(this, {
    task: async ([program, team, period, limit]) => {
      this.pushed = undefined;
      const data = await this.query<{ leaderboard: Board }>(LEADERBOARD_QUERY, boardVariables(program, team, period, limit));
      return data.leaderboard;
    },
    // endpoint and token are arguments so that changing them reloads the board.
    args: () => [this.program, this.team, this.period, this.limit, this.endpoint, this.effectiveToken] as const,
  });

  protected updated(changed: Map<string, unknown>) {
    const keys = ["live", "program", "team", "period", "limit", "endpoint", "token"];
    if (keys.some((k) => changed.has(k))) this.resubscribe();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.stopStream();
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.hasUpdated) this.resubscribe();
  }

  protected configChanged() {
    super.configChanged();
    this.resubscribe();
  }

  private stopStream() {
    clearTimeout(this.retryTimer);
    this.stream?.unsubscribe();
    this.stream = undefined;
  }

  private resubscribe() {
    this.stopStream();
    if (!this.live || !this.isConnected) return;
    const variables = boardVariables(this.program, this.team, this.period, this.limit);
    this.stream = this.client.subscription<{ leaderboardChanged: LeaderboardEntryData[] }>(LEADERBOARD_SUBSCRIPTION, variables).subscribe((result) => {
      try {
        const entries = unwrap(result).leaderboardChanged;
        if (entries) this.pushed = withPushedEntries(this.pushed ?? this.load.value, entries);
        // A live stream never ends on purpose: its end (`hasNext: false`) means reconnect.
        if (result.hasNext === false) throw 0;
        this.attempts = 0;
      } catch {
        // Lost or refused: try again later, and reload then since changes may have been missed.
        this.stopStream();
        this.retryTimer = setTimeout(() => {
          this.refresh();
          this.resubscribe();
        }, reconnectDelay(this.attempts++));
      }
    });
  }

  render() {
    return this.renderLoad<Board>((loaded) => this.renderBoard(this.pushed ?? loaded));
  }

  private renderBoard(board: Board) {
    const period = this.t(`period.${this.period in PERIODS ? this.period : "all"}`);
    const title = `${this.t("title")} · ${period}`;
    if (board.edges.length === 0) return html`<h2 part="title">${title}</h2>${this.state("empty")}`;
    const { rows, below } = boardRows(board);
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
        ${rows.map((r) => this.renderRow(r.entry, r.isMe))}
      </tbody>
      ${below
        ? html`<tbody class="below" aria-label=${this.t("yourPosition")}>
            <tr class="gap" aria-hidden="true"><td colspan="3">…</td></tr>
            ${this.renderRow(below, true)}
          </tbody>`
        : nothing}
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
