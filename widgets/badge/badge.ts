import { PuBadge } from "./badge.component.ts";

export { PuBadge };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-badge")) customElements.define("pu-badge", PuBadge);

declare global {
  interface HTMLElementTagNameMap {
    "pu-badge": PuBadge;
  }
}
