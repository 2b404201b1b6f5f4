import { PuLeaderboard } from "./leaderboard.component.ts";

export { PuLeaderboard };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-leaderboard")) customElements.define("pu-leaderboard", PuLeaderboard);

declare global {
  interface HTMLElementTagNameMap {
    "pu-leaderboard": PuLeaderboard;
  }
}
