// The widget test setup: the API (createTestApp) with the demo workspace loaded, and the example
// pages served by a host site on a second origin that the API allows (ALLOWED_ORIGINS), as on a
// real intranet. Pages load the bundle from the API; the host signs member tokens.
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { createTestApp, IDENTITY_SECRET, type TestApp } from "./app.ts";
import { afterAll, beforeAll } from "vitest";
import { closeBrowser, sharedBrowser } from "./browser.ts";
import { seedDemo } from "../../api/demo/seed.ts";
import { startHostServer } from "../../examples/host/server.ts";
import { buildWidgets } from "../../widgets/build.ts";
import { createApiKey } from "../../api/domain/api-keys.ts";

export interface WidgetEnv {
  app: TestApp;
  host: Awaited<ReturnType<typeof startHostServer>>;
  browser: Browser;
  /** Opens an example page on the host origin; console errors are collected in `errors`. */
  open(path: string, options?: { reducedMotion?: "reduce" | "no-preference"; colorScheme?: "light" | "dark" }): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * The environment for the enclosing describe block: opened before its first test, closed (with
 * the browser) after its last. Use the returned object like the environment itself.
 */
export function useWidgetEnv(): WidgetEnv {
  let env: WidgetEnv | undefined;
  beforeAll(async () => {
    env = await widgetEnv();
  });
  afterAll(async () => {
    await env?.close();
    await closeBrowser();
  });
  return new Proxy({} as WidgetEnv, {
    get(_target, property) {
      if (!env) throw new Error("the widget environment is not open yet (use it inside tests or hooks)");
      return Reflect.get(env, property);
    },
  });
}

export async function widgetEnv(): Promise<WidgetEnv> {
  await buildWidgets();
  let apiUrl = "";
  let metricsKey: string | null = null;
  const host = await startHostServer({ apiUrl: () => apiUrl, identitySecret: IDENTITY_SECRET, metricsKey: async () => metricsKey });
  const app = await createTestApp({ ALLOWED_ORIGINS: host.url });
  apiUrl = app.url;
  await seedDemo(app.db, { users: 120 });
  metricsKey = (await createApiKey(app.db, { kind: "admin", actor: "test" }, "test", "dashboard", ["metrics:read"])).secret;
  const browser = await sharedBrowser();
  // One context, and one open page at a time: a live board holds an HTTP/1.1 connection, and
  // Chromium allows six per origin, so pages left open would starve later ones. (@sparticuz's
  // single-process Chromium also ends when a context closes, so pages are closed instead.)
  const context = await browser.newContext();
  const pages: Page[] = [];
  return {
    app,
    host,
    browser,
    async open(path, options = {}) {
      await Promise.all(pages.splice(0).map((p) => p.close().catch(() => {})));
      const page = await context.newPage();
      await page.emulateMedia({ reducedMotion: options.reducedMotion ?? "no-preference", colorScheme: options.colorScheme ?? "light" });
      pages.push(page);
      const errors: string[] = [];
      page.on("console", (m: ConsoleMessage) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${host.url}/examples/${path}`);
      return { page, errors };
    },
    async close() {
      await Promise.all(pages.map((p) => p.close().catch(() => {})));
      await host.close();
      await app.close();
    },
  };
}

/** Text of an element's shadow root (normalised whitespace). */
export async function shadowText(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((el) => (el.shadowRoot?.textContent ?? "").replace(/\s+/g, " ").trim());
}
