import { PuRecognitionFeed } from "./recognition-feed.component.ts";

export { PuRecognitionFeed };
// Guarded so two copies of the bundle on one page do not throw.
if (!customElements.get("pu-recognition-feed")) customElements.define("pu-recognition-feed", PuRecognitionFeed);

declare global {
  interface HTMLElementTagNameMap {
    "pu-recognition-feed": PuRecognitionFeed;
  }
}
