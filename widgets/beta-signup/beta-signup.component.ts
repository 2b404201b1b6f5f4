// <pu-beta-signup>: seats left or the member's waitlist place for one cohort, join and leave,
// and, when the member is not eligible, why, condition by condition in plain words.
import { html, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { explainCondition, type Condition } from "../internal/conditions.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { betaSignupStyles } from "./beta-signup.styles.ts";
import { COHORT_QUERY, JOIN_COHORT, LEAVE_COHORT, type Cohort, type JoinResult, type LeaveResult } from "./beta-signup.graphql.ts";
import { seatsMessage, standing } from "./beta-signup.logic.ts";

export class PuBetaSignup extends PuElement {
  static styles = [sharedStyles, betaSignupStyles];

  /** The cohort's global id. */
  @property() cohort?: string;

  @state() private busy = false;
  /** The latest outcome of join/leave, announced in a live region. */
  @state() private outcome = "";
  @state() private failed: Condition[] | null = null;

  protected defaultStrings = {
    empty: "This beta does not exist.",
    signIn: "Sign in to join this beta.",
    seatsLeft: "{seats} of {capacity} seats left",
    seatsOne: "1 seat left",
    seatsFull: "All seats are taken; {waitlist} on the waitlist.",
    join: "Join the beta",
    joinWaitlist: "Join the waitlist",
    leave: "Leave the beta",
    leaveWaitlist: "Leave the waitlist",
    accepted: "You are in the beta.",
    waitlisted: "You are number {position} on the waitlist.",
    pending: "Your request is waiting for approval.",
    closed: "Sign-up is closed.",
    joined: "Welcome to the beta!",
    joinedWaitlist: "You are on the waitlist.",
    left: "You left the beta.",
    notEligible: "You are not eligible for this beta yet:",
    failed: "That did not work: {message}",
  };

  protected load = new Task(this, {
    task: async ([id]) => {
      if (!id) return null;
      return (await this.query<{ cohort: Cohort | null }>(COHORT_QUERY, { id })).cohort;
    },
    args: () => [this.cohort, this.endpoint, this.effectiveToken] as const,
  });

  render() {
    return this.renderLoad<Cohort | null>((cohort) => (cohort ? this.renderCohort(cohort) : this.state("empty")));
  }

  private renderCohort(cohort: Cohort) {
    const now = standing(cohort);
    const [seatsKey, seatsValues] = seatsMessage(cohort);
    const member = !!this.effectiveToken;
    let status: unknown = nothing;
    let action: unknown = nothing;
    if (now.kind === "accepted" || now.kind === "waitlisted" || now.kind === "pending") {
      status = now.kind === "waitlisted" ? this.t("waitlisted", { position: now.position ?? "?" }) : this.t(now.kind);
      action = html`<button class="secondary" part="leave button" aria-disabled=${this.busy} @click=${() => this.leave(cohort)}>
        ${this.t(now.kind === "waitlisted" ? "leaveWaitlist" : "leave")}
      </button>`;
    } else if (now.kind === "closed") {
      status = this.t("closed");
    } else if (!member) {
      status = this.t("signIn");
    } else {
      action = html`<button part="join button" aria-disabled=${this.busy} @click=${() => this.join(cohort)}>${this.t(now.full ? "joinWaitlist" : "join")}</button>`;
    }
    return html`<h2 part="title">${cohort.name}</h2>
      ${cohort.description ? html`<p part="description">${cohort.description}</p>` : nothing}
      <p class="seats" part="seats">${this.t(seatsKey, seatsValues)}</p>
      <div class="actions">
        ${status !== nothing ? html`<p class="status" part="status">${status}</p>` : nothing} ${action}
      </div>
      <div class="outcome" role="status" aria-live="polite" part="outcome">
        ${this.outcome ? html`<p>${this.outcome}</p>` : nothing}
        ${this.failed
          ? html`<div class="why" part="explanation">
              <ul>
                ${this.failed.map((c) => html`<li class=${c.passed ? "passed" : "failed"}>${explainCondition(c)}</li>`)}
              </ul>
            </div>`
          : nothing}
      </div>`;
  }

  /** Runs join or leave once at a time; the button stays focusable (not `disabled`) meanwhile. */
  private async act<T>(run: () => Promise<T>) {
    if (this.busy) return undefined;
    this.busy = true;
    this.failed = null;
    try {
      return await run();
    } catch (error) {
      this.outcome = this.t("failed", { message: (error as Error).message });
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  private async join(cohort: Cohort) {
    const data = await this.act(() => this.mutation<{ joinCohort: JoinResult }>(JOIN_COHORT, { input: { cohortId: cohort.id } }));
    if (!data) return;
    const result = data.joinCohort;
    if ("enrollment" in result) {
      this.outcome = this.t(result.enrollment.status === "ACCEPTED" ? "joined" : result.enrollment.status === "WAITLISTED" ? "joinedWaitlist" : "pending");
      this.emit("pu-beta-joined", { cohortId: cohort.id, enrollment: result.enrollment });
      return this.reloadKeepingFocus();
    }
    if (result.__typename === "NotEligibleError" && "summary" in result) {
      const conditions = result.explanation?.conditions;
      this.outcome = conditions?.length ? this.t("notEligible") : result.summary || result.message;
      // Show what is missing first; what already passes gives the full picture.
      this.failed = conditions ? [...conditions].sort((a, b) => Number(a.passed) - Number(b.passed)) : null;
      return;
    }
    this.outcome = this.t("failed", { message: this.reportError(new Error(result.message)) });
  }

  private async leave(cohort: Cohort) {
    const data = await this.act(() => this.mutation<{ leaveCohort: LeaveResult }>(LEAVE_COHORT, { input: { cohortId: cohort.id } }));
    if (!data) return;
    const result = data.leaveCohort;
    if ("enrollment" in result) {
      this.outcome = this.t("left");
      this.emit("pu-beta-left", { cohortId: cohort.id, enrollment: result.enrollment });
      return this.reloadKeepingFocus();
    }
    this.outcome = this.t("failed", { message: this.reportError(new Error(result.message)) });
  }

  /** After join/leave the button changes; keep keyboard focus on the new one. */
  private async reloadKeepingFocus() {
    const hadFocus = this.matches(":focus-within");
    await this.load.run();
    await this.updateComplete;
    if (hadFocus) this.renderRoot.querySelector<HTMLElement>(".actions button")?.focus();
  }
}
