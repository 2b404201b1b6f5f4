// Time to first render of <pu-leaderboard> in headless Chromium (script tag + element on a page of
// another origin, real API, demo data) against the same ten rows as a server-rendered table.
import { performance } from "node:perf_hooks";
import { fromSamples, type Comparison } from "./harness.ts";
import { ADMIN, IDENTITY, migrateUrl, tempSqliteUrl } from "./setup.ts";
import { launchBrowser } from "../tests/helpers/browser.ts";
import { loadConfig } from "../api/config.ts";
import { openDatabase } from "../api/db.ts";
import { startServer } from "../api/server.ts";
import { seedDemo } from "../api/demo/seed.ts";

const HOST = "http://host.bench.local";

export async function runRender(rounds: number): Promise<Comparison[]> {
  const url = tempSqliteUrl("render");
  migrateUrl(url);
  const database = await openDatabase(url);
  await seedDemo(database.db, { users: 200 });
  const config = loadConfig({ DATABASE_URL: url, ADMIN_SECRET: ADMIN, IDENTITY_SECRET: IDENTITY, PORT: "0", ALLOWED_ORIGINS: HOST, RATE_LIMIT_ANONYMOUS: "0" } as NodeJS.ProcessEnv);
  const server = await startServer(config, { quiet: true, database, jobs: false });
  const api = server.url.replace("localhost", "127.0.0.1");
  const browser = await launchBrowser();
  try {
    const rows = Array.from({ length: 10 }, (_, i) => `<tr><td>${i + 1}</td><td>Person ${i + 1}</td><td>${1000 - i * 10}</td></tr>`).join("");
    const pages: Record<string, string> = {
      "/widget.html": `<!doctype html><html><head><script type="module" src="${api}/widgets/pu-widgets.js"></script></head>
        <body><pu-leaderboard endpoint="${api}" limit="10"></pu-leaderboard></body></html>`,
      "/static.html": `<!doctype html><html><body><table><caption>Leaderboard</caption><tbody>${rows}</tbody></table></body></html>`,
    };
    const context = await browser.newContext();
    await context.route(`${HOST}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      return route.fulfill({ status: 200, contentType: "text/html", body: pages[path] ?? "not found" });
    });
    const measure = async (path: string, ready: string) => {
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${HOST}${path}`);
      await page.waitForFunction(ready, undefined, { timeout: 30_000 });
      const ms = performance.now() - start;
      await page.close();
      return ms;
    };
    const widgetReady = `(() => { const el = document.querySelector("pu-leaderboard"); return !!el?.shadowRoot?.querySelectorAll("tbody tr").length; })()`;
    const staticReady = `document.querySelectorAll("tbody tr").length === 10`;
    await measure("/widget.html", widgetReady);
    await measure("/static.html", staticReady);
    const p: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      p.push(await measure("/widget.html", widgetReady));
      b.push(await measure("/static.html", staticReady));
    }
    return [
      fromSamples(
        {
          benchmark: "time to first render in headless Chromium",
          size: "leaderboard, 10 rows, cross-origin page",
          product: "<pu-leaderboard> (bundle + GraphQL request + render)",
          baseline: "the same rows as a server-rendered table",
          note: "warm browser cache for the bundle after the first load",
        },
        "ms",
        p,
        b,
      ),
    ];
  } finally {
    await browser.close();
    await server.close();
    await database.close();
  }
}
