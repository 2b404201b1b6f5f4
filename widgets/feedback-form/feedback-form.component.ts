// <pu-feedback-form>: an idea, bug, praise or question from the signed-in member, checked in the
// form first; on success a link to follow the item (from the host's `follow-url` template).
import { html, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { live } from "lit/directives/live.js";
import { PuElement } from "../internal/base.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { feedbackFormStyles } from "./feedback-form.styles.ts";
import { SUBMIT_FEEDBACK, type SubmitFeedbackResult } from "./feedback-form.graphql.ts";
import { followUrl, formField, KINDS, LIMITS, validateFeedback, type FeedbackValues, type FieldErrors } from "./feedback-form.logic.ts";

type Phase = "editing" | "sending" | "sent";

export class PuFeedbackForm extends PuElement {
  static styles = [sharedStyles, feedbackFormStyles];

  /** Feature key the feedback is about. */
  @property() feature?: string;
  /** Cohort (global id) the feedback comes from. */
  @property() cohort?: string;
  /** Link to follow the item, `{id}` replaced by its id, e.g. "/feedback/{id}". */
  @property({ attribute: "follow-url" }) followUrl?: string;
  /** The kind preselected: IDEA, BUG, PRAISE or QUESTION. */
  @property() kind = "IDEA";

  @state() private values: FeedbackValues = { kind: "", title: "", body: "", rating: "" };
  @state() private errors: FieldErrors = {};
  @state() private phase: Phase = "editing";
  @state() private failure = "";
  @state() private sent?: { id: string; title: string; url: string | null };

  protected defaultStrings = {
    heading: "Send feedback",
    kind: "Kind",
    "kind.IDEA": "Idea",
    "kind.BUG": "Bug",
    "kind.PRAISE": "Praise",
    "kind.QUESTION": "Question",
    title: "Title",
    body: "Details",
    rating: "Rating",
    ratingHint: "(optional)",
    ratingNone: "No rating",
    ratingValue: "{n} of 5",
    submit: "Send feedback",
    sending: "Sending…",
    signIn: "Sign in to send feedback.",
    "error.kind": "Choose a kind.",
    "error.titleRequired": "Enter a title.",
    "error.titleLong": "Keep the title under {max} characters.",
    "error.bodyRequired": "Describe your feedback.",
    "error.bodyLong": "Keep the details under {max} characters.",
    "error.rating": "Choose a rating from 1 to 5.",
    failed: "Your feedback could not be sent: {message}",
    thanks: "Thank you! We received “{title}”.",
    follow: "Follow what happens to it",
    another: "Send more feedback",
  };

  private get current(): FeedbackValues {
    return { ...this.values, kind: this.values.kind || this.kind };
  }

  render() {
    if (!this.effectiveToken) return this.state("signIn");
    if (this.phase === "sent" && this.sent) {
      return html`<div class="sent" part="success" role="status" tabindex="-1">
        <p>${this.t("thanks", { title: this.sent.title })}</p>
        ${this.sent.url ? html`<p><a part="link" href=${this.sent.url}>${this.t("follow")}</a></p>` : nothing}
        <button part="button" @click=${this.reset}>${this.t("another")}</button>
      </div>`;
    }
    const v = this.current;
    const sending = this.phase === "sending";
    return html`<form part="form" novalidate @submit=${this.submit} aria-labelledby="heading">
      <h2 id="heading" part="title">${this.t("heading")}</h2>
      <fieldset part="kind" aria-describedby=${this.errors.kind ? "kind-error" : nothing}>
        <legend>${this.t("kind")}</legend>
        <div class="choices">
          ${KINDS.map(
            (k) => html`<label><input type="radio" name="kind" value=${k} .checked=${live(v.kind === k)} @change=${this.input} />${this.t(`kind.${k}`)}</label>`,
          )}
        </div>
        ${this.fieldError("kind")}
      </fieldset>
      <div>
        <label for="title">${this.t("title")}</label>
        <input id="title" name="title" type="text" part="input" autocomplete="off" maxlength=${LIMITS.title + 50}
          .value=${live(v.title)} @input=${this.input} aria-required="true"
          aria-invalid=${this.errors.title ? "true" : "false"} aria-describedby=${this.errors.title ? "title-error" : nothing} />
        ${this.fieldError("title")}
      </div>
      <div>
        <label for="body">${this.t("body")}</label>
        <textarea id="body" name="body" part="input" .value=${live(v.body)} @input=${this.input} aria-required="true"
          aria-invalid=${this.errors.body ? "true" : "false"} aria-describedby=${this.errors.body ? "body-error" : nothing}></textarea>
        ${this.fieldError("body")}
      </div>
      <div>
        <label for="rating">${this.t("rating")} <span class="muted">${this.t("ratingHint")}</span></label>
        <select id="rating" name="rating" part="input" .value=${live(v.rating)} @change=${this.input}
          aria-invalid=${this.errors.rating ? "true" : "false"} aria-describedby=${this.errors.rating ? "rating-error" : nothing}>
          <option value="">${this.t("ratingNone")}</option>
          ${[1, 2, 3, 4, 5].map((n) => html`<option value=${n} ?selected=${v.rating === String(n)}>${this.t("ratingValue", { n })}</option>`)}
        </select>
        ${this.fieldError("rating")}
      </div>
      ${this.failure ? html`<p class="error" role="alert" part="error">${this.t("failed", { message: this.failure })}</p>` : nothing}
      <div><button type="submit" part="submit button" ?disabled=${sending} aria-disabled=${sending ? "true" : "false"}>${this.t(sending ? "sending" : "submit")}</button></div>
    </form>`;
  }

  private fieldError(field: keyof FeedbackValues) {
    const key = this.errors[field];
    if (!key) return nothing;
    const max = field === "title" ? LIMITS.title : LIMITS.body;
    return html`<p id="${field}-error" class="field-error" part="field-error">${key.startsWith("error.") ? this.t(key, { max }) : key}</p>`;
  }

  private input(event: Event) {
    const target = event.target as HTMLInputElement;
    this.values = { ...this.current, [target.name]: target.value };
    // Clear a field's error as soon as it is edited, so stale messages do not linger.
    if (this.errors[target.name as keyof FeedbackValues]) this.errors = { ...this.errors, [target.name]: undefined };
  }

  private async focusFirstError() {
    await this.updateComplete;
    const first = (["kind", "title", "body", "rating"] as const).find((f) => this.errors[f]);
    const selector = first === "kind" ? "input[name=kind]:checked, input[name=kind]" : `#${first}`;
    if (first) this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private async submit(event: Event) {
    event.preventDefault();
    if (this.phase === "sending") return;
    const v = this.current;
    this.errors = validateFeedback(v);
    this.failure = "";
    if (Object.keys(this.errors).length) return this.focusFirstError();
    this.phase = "sending";
    try {
      const input = {
        kind: v.kind,
        title: v.title.trim(),
        body: v.body.trim(),
        rating: v.rating ? Number(v.rating) : null,
        featureKey: this.feature || null,
        cohortId: this.cohort || null,
      };
      const { submitFeedback: result } = await this.mutation<{ submitFeedback: SubmitFeedbackResult }>(SUBMIT_FEEDBACK, { input });
      if ("feedback" in result) {
        const url = followUrl(this.followUrl, result.feedback.id);
        this.sent = { id: result.feedback.id, title: result.feedback.title, url };
        this.phase = "sent";
        this.emit("pu-feedback-submitted", { feedback: result.feedback, url });
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>(".sent")?.focus();
        return;
      }
      this.phase = "editing";
      const issues = "issues" in result && result.issues.length ? result.issues : [{ field: "field" in result ? result.field : null, message: result.message }];
      const errors: FieldErrors = {};
      for (const issue of issues) {
        const field = formField(issue.field);
        if (field) errors[field] = issue.message;
      }
      this.errors = errors;
      if (Object.keys(errors).length) return this.focusFirstError();
      this.failure = this.reportError(new Error(result.message));
    } catch (error) {
      this.phase = "editing";
      this.failure = (error as Error).message;
    }
  }

  private reset() {
    this.values = { kind: "", title: "", body: "", rating: "" };
    this.errors = {};
    this.sent = undefined;
    this.phase = "editing";
  }
}
