// A stand-alone host site on its own origin: serves the example pages with the widget script
// pointed at the API, plus the host backend routes (routes.ts). Shows the cross-origin setup a
// real intranet or product has; add this origin to the API's ALLOWED_ORIGINS.
//
//   API_URL=http://localhost:4000 IDENTITY_SECRET=... PU_METRICS_KEY=pu_... PORT=5000 npx tsx examples/host/server.ts
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostRoutes } from "./routes.ts";

const pages = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface HostServerOptions {
  port?: number;
  /** The API's origin; read per request so a test may start the host first. */
  apiUrl: () => string;
  identitySecret: string;
  metricsKey?: () => Promise<string | null>;
  defaultUser?: string;
}

export async function startHostServer(options: HostServerOptions): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const routes = hostRoutes({ identitySecret: options.identitySecret, metricsKey: options.metricsKey ?? (async () => null), defaultUser: options.defaultUser });
  const server = createServer(async (req, res) => {
    try {
      if (await routes(req, res)) return;
      const path = new URL(req.url ?? "/", "http://host.invalid").pathname;
      const name = path === "/" || path === "/examples/" ? "index.html" : path.replace(/^\/examples\//, "").replace(/^\//, "");
      if (name === "style.css") {
        res.writeHead(200, { "content-type": "text/css" }).end(await readFile(join(pages, name)));
        return;
      }
      if (!/^[\w-]+\.html$/.test(name)) {
        res.writeHead(404).end("not found");
        return;
      }
      // The pages load the bundle from "/widgets/..." (same origin when the API serves them);
      // here the API is elsewhere, so the script URL points at it.
      const html = (await readFile(join(pages, name), "utf8")).replaceAll('"/widgets/', `"${options.apiUrl()}/widgets/`);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    } catch {
      if (!res.headersSent) res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const apiUrl = (process.env.API_URL ?? "http://localhost:4000").replace(/\/$/, "");
  const identitySecret = process.env.IDENTITY_SECRET;
  if (!identitySecret) {
    console.error("IDENTITY_SECRET must be the API's identity secret");
    process.exit(1);
  }
  const key = process.env.PU_METRICS_KEY ?? null;
  const host = await startHostServer({ port: Number(process.env.PORT ?? 5000), apiUrl: () => apiUrl, identitySecret, metricsKey: async () => key });
  console.log(`Host site on ${host.url}/examples/ (API ${apiUrl}); add ${host.url} to the API's ALLOWED_ORIGINS`);
}
