// What a host product's backend does for the widgets, in a few lines: it knows who is signed in
// (here: a demo user chosen by `?user=`, since the demo has no login) and signs a short-lived
// identity token for them with IDENTITY_SECRET; it hands a dashboard page an aggregate-only
// `metrics:read` API key. The browser never sees IDENTITY_SECRET or an admin secret.
import type { IncomingMessage, ServerResponse } from "node:http";
import { signIdentityToken } from "../../api/auth/tokens.ts";

export interface HostOptions {
  identitySecret: string;
  /** A `metrics:read` key for the dashboard page (created once by an admin, kept in config). */
  metricsKey: () => Promise<string | null>;
  /** Who is "signed in" when the page does not say. */
  defaultUser?: string;
}

export const DEMO_MEMBER = "demo-user-040";
const TOKEN_TTL_SECONDS = 15 * 60;

/** Handles /examples/host/*; returns false for any other path. */
export function hostRoutes(options: HostOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://host.invalid");
    if (url.pathname === "/examples/host/session") {
      const user = url.searchParams.get("user") || options.defaultUser || DEMO_MEMBER;
      // Demo only: a real host signs for its logged-in user and never takes the id from the page.
      if (!/^demo-user-\d{3}$/.test(user)) return json(res, 400, { error: "user must be a demo user (demo-user-NNN)" }), true;
      const token = await signIdentityToken({ externalId: user }, options.identitySecret, `${TOKEN_TTL_SECONDS}s`);
      json(res, 200, { user, token, expiresIn: TOKEN_TTL_SECONDS });
      return true;
    }
    if (url.pathname === "/examples/host/dashboard-key") {
      const key = await options.metricsKey();
      json(res, key ? 200 : 503, key ? { key } : { error: "no metrics:read key configured (PU_METRICS_KEY)" });
      return true;
    }
    return false;
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
