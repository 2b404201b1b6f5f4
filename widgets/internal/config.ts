// Page-wide configuration: `configure({ endpoint, token })` once, or attributes per element.
export interface WidgetConfig {
  /** Origin or URL of the API; `/graphql` is added when missing. Defaults to the origin that served the script. */
  endpoint?: string;
  /** The member's identity token, made by the host's backend. */
  token?: string;
  /** Text overrides by key, for every element on the page. */
  strings?: Record<string, string>;
}

const scriptOrigin = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

let pageConfig: WidgetConfig = {};
const listeners = new Set<() => void>();

export function configure(config: WidgetConfig) {
  pageConfig = { ...pageConfig, ...config };
  for (const listener of listeners) listener();
}

export function pageConfigValue(): WidgetConfig {
  return pageConfig;
}

export function onConfigChange(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function graphqlUrl(endpoint?: string) {
  const base = endpoint || pageConfig.endpoint || scriptOrigin;
  const url = new URL(base, location.href);
  if (!url.pathname.endsWith("/graphql")) url.pathname = url.pathname.replace(/\/$/, "") + "/graphql";
  return url.toString();
}
