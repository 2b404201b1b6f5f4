import { PuBetaSignup } from "./beta-signup.component.ts";

export { PuBetaSignup };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-beta-signup")) customElements.define("pu-beta-signup", PuBetaSignup);

declare global {
  interface HTMLElementTagNameMap {
    "pu-beta-signup": PuBetaSignup;
  }
}
