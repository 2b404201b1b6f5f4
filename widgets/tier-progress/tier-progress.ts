import { PuTierProgress } from "./tier-progress.component.ts";

export { PuTierProgress };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-tier-progress")) customElements.define("pu-tier-progress", PuTierProgress);

declare global {
  interface HTMLElementTagNameMap {
    "pu-tier-progress": PuTierProgress;
  }
}
