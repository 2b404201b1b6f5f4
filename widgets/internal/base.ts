// The base of every element: endpoint/token attributes, page-wide config, overridable strings,
// the loading / error-with-retry states, and the composed `pu-*` events.
import { html, LitElement, type TemplateResult } from "lit";
import { property } from "lit/decorators.js";
import type { Task } from "@lit/task";
import { clientFor, mutate, request } from "./client.ts";
import { onConfigChange, pageConfigValue } from "./config.ts";
import { PuEvent, type PuEventDetails, type PuEventName } from "./events.ts";

const commonStrings: Record<string, string> = {
  loading: "Loading…",
  error: "This could not be loaded: {message}",
  retry: "Try again",
  empty: "Nothing to show yet.",
  signIn: "Sign in to see this.",
};

export abstract class PuElement extends LitElement {
  /** API origin or URL; defaults to the page-wide configuration, then the script's origin. */
  @property() endpoint?: string;
  /** The member's identity token (or set it page-wide with `configure`). */
  @property() token?: string;
  /** Text overrides as JSON, e.g. strings='{"empty":"No points yet"}' (invalid JSON is ignored). */
  @property({ type: Object }) strings: Record<string, string> = {};

  protected abstract defaultStrings: Record<string, string>;
  /** The element's main load, re-run on retry and when the page-wide configuration changes. */
  protected load?: Task<any, any>;
  private unsubscribe?: () => void;

  connectedCallback() {
    super.connectedCallback();
    this.unsubscribe = onConfigChange(() => this.configChanged());
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  protected configChanged() {
    this.refresh();
  }

  /** Reloads the element's data (what the retry button does). */
  refresh() {
    return this.load ? this.load.run() : this.requestUpdate();
  }

  protected get client() {
    return clientFor(this.endpoint, this.effectiveToken);
  }

  protected get effectiveToken() {
    return this.token || pageConfigValue().token;
  }

  /** A string by key, with `{name}` placeholders filled in. */
  protected t(key: string, values: Record<string, string | number> = {}) {
    const template =
      this.strings?.[key] ?? pageConfigValue().strings?.[key] ?? this.defaultStrings[key] ?? commonStrings[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ""));
  }

  protected emit<K extends PuEventName>(type: K, detail: PuEventDetails[K]) {
    this.dispatchEvent(new PuEvent(type, detail));
  }

  protected reportError(error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    this.emit("pu-error", { message, element: this.localName });
    return message;
  }

  /** A query whose failure is reported as `pu-error` and rethrown for the error state. */
  protected async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    try {
      return await request<T>(this.client, query, variables);
    } catch (error) {
      throw new Error(this.reportError(error));
    }
  }

  protected async mutation<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    try {
      return await mutate<T>(this.client, query, variables);
    } catch (error) {
      throw new Error(this.reportError(error));
    }
  }

  protected state(key: string, extra?: unknown) {
    return html`<p class="state" role="status" part="state">${this.t(key)}${extra}</p>`;
  }

  /** The load's states; `complete` renders the data. */
  protected renderLoad<T>(complete: (value: T) => unknown): TemplateResult {
    const loading = () => html`<p class="state loading" role="status" part="state">${this.t("loading")}</p>`;
    const load = this.load!;
    return html`<div part="base" aria-busy=${load.status === 1 ? "true" : "false"}>
      ${load.render({
        initial: loading,
        // A reload keeps showing what was there (marked busy), so focus and live regions survive it.
        pending: () => (load.value !== undefined ? complete(load.value as T) : loading()),
        error: (error) => html`<div class="state error" role="alert" part="error">
          <p>${this.t("error", { message: (error as Error).message })}</p>
          <button part="retry button" @click=${() => this.refresh()}>${this.t("retry")}</button>
        </div>`,
        complete: (value) => complete(value as T),
      })}
    </div>`;
  }
}
