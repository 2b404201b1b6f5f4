// The base of every element: endpoint/token attributes, page-wide config, overridable strings,
// and a composed `pu-error` event when a load fails.
import { LitElement } from "lit";
import { property } from "lit/decorators.js";
import { clientFor } from "./client.ts";
import { onConfigChange, pageConfigValue } from "./config.ts";

export class PuErrorEvent extends CustomEvent<{ message: string; element: string }> {
  constructor(detail: { message: string; element: string }) {
    super("pu-error", { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    "pu-error": PuErrorEvent;
  }
}

export abstract class PuElement extends LitElement {
  /** API origin or URL; defaults to the page-wide configuration, then the script's origin. */
  @property() endpoint?: string;
  /** The member's identity token (or set it page-wide with `configure`). */
  @property() token?: string;
  /** Text overrides as JSON, e.g. strings='{"empty":"No points yet"}'. */
  @property({ type: Object }) strings: Record<string, string> = {};

  protected abstract defaultStrings: Record<string, string>;
  private unsubscribe?: () => void;

  connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = onConfigChange(() => this.configChanged());
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  /** Called when the page-wide configuration changes. */
  protected configChanged() {
    this.requestUpdate();
  }

  protected get client() {
    return clientFor(this.endpoint, this.effectiveToken);
  }

  protected get effectiveToken() {
    return this.token || pageConfigValue().token;
  }

  /** A string by key, with `{name}` placeholders filled in. */
  protected t(key: string, values: Record<string, string | number> = {}) {
    const template = this.strings[key] ?? pageConfigValue().strings?.[key] ?? this.defaultStrings[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ""));
  }

  protected reportError(error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    this.dispatchEvent(new PuErrorEvent({ message, element: this.localName }));
    return message;
  }
}
