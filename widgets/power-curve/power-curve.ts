import { PuPowerCurve } from "./power-curve.component.ts";

export { PuPowerCurve };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-power-curve")) customElements.define("pu-power-curve", PuPowerCurve);

declare global {
  interface HTMLElementTagNameMap {
    "pu-power-curve": PuPowerCurve;
  }
}
