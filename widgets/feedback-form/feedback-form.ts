import { PuFeedbackForm } from "./feedback-form.component.ts";

export { PuFeedbackForm };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-feedback-form")) customElements.define("pu-feedback-form", PuFeedbackForm);

declare global {
  interface HTMLElementTagNameMap {
    "pu-feedback-form": PuFeedbackForm;
  }
}
