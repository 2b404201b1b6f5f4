import { PuStory } from "./story.component.ts";

export { PuStory };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-story")) customElements.define("pu-story", PuStory);

declare global {
  interface HTMLElementTagNameMap {
    "pu-story": PuStory;
  }
}
