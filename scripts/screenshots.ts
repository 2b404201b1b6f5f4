// Saves a PNG of each element, as the browser tests see it, to docs/screenshots/:
// the API on a fresh SQLite file with the demo workspace, the example pages on a second origin,
// headless Chromium from @sparticuz/chromium.   Run: npx tsx scripts/screenshots.ts
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../api/config.ts";
import { migrate } from "../api/migrate.ts";
import { openDatabase } from "../api/db.ts";
import { startServer } from "../api/server.ts";
import { seedDemo } from "../api/demo/seed.ts";
import { createApiKey } from "../api/domain/api-keys.ts";
import { startHostServer } from "../examples/host/server.ts";
import { buildWidgets } from "../widgets/build.ts";
import { launchBrowser } from "../tests/helpers/browser.ts";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "screenshots");
const SHOTS: { file: string; page: string; selector: string; colorScheme?: "light" | "dark" }[] = [
  // MEMBER is replaced by a program member on their way to the next tier (found after seeding).
  { file: "leaderboard.png", page: "intranet.html?user=MEMBER", selector: "#board" },
  { file: "leaderboard-dark.png", page: "intranet.html?user=demo-user-040", selector: "#workspace", colorScheme: "dark" },
  { file: "recognition-feed.png", page: "intranet.html", selector: "#feed" },
  { file: "badge.png", page: "intranet.html", selector: "#badge-other" },
  { file: "story.png", page: "intranet.html", selector: "#story" },
  { file: "beta-signup.png", page: "in-product.html", selector: "#beta" },
  { file: "feedback-form.png", page: "in-product.html", selector: "#feedback" },
  { file: "tier-progress.png", page: "dashboard.html?user=MEMBER", selector: "#tier" },
  { file: "power-curve.png", page: "dashboard.html", selector: "#curve30" },
];

const work = mkdtempSync(join(tmpdir(), "pu-shots-"));
const databaseUrl = `file:${join(work, "shots.db")}`;
const identitySecret = "screenshots-identity-secret-0123456789";
await buildWidgets();
await migrate(databaseUrl);
const database = await openDatabase(databaseUrl);
await seedDemo(database.db);
const member = await database.db.membership.findFirstOrThrow({ where: { status: "ACTIVE", tier: { rank: 1 } }, include: { user: true }, orderBy: { joinedAt: "asc" } });
const metricsKey = (await createApiKey(database.db, { kind: "admin", actor: "screenshots" }, "screenshots", "dashboard", ["metrics:read"])).secret;
let apiUrl = "";
const host = await startHostServer({ apiUrl: () => apiUrl, identitySecret, metricsKey: async () => metricsKey });
const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: "0", ADMIN_SECRET: "screenshots-admin-secret-0123", IDENTITY_SECRET: identitySecret, ALLOWED_ORIGINS: host.url } as NodeJS.ProcessEnv);
const server = await startServer(config, { quiet: true, database, jobs: false });
apiUrl = server.url;
const browser = await launchBrowser();
try {
  mkdirSync(out, { recursive: true });
  // One context for every shot: @sparticuz/chromium runs single-process, where closing a context ends the browser.
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1, reducedMotion: "reduce" });
  for (const shot of SHOTS) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: shot.colorScheme ?? "light" });
    await page.goto(`${host.url}/examples/${shot.page.replace("MEMBER", member.user.externalId)}`);
    const element = page.locator(shot.selector);
    // Settled: loaded (no loading state) and rendered something.
    await page.waitForFunction((sel) => {
      const root = document.querySelector(sel)?.shadowRoot;
      return !!root && !root.querySelector(".loading") && !!root.querySelector("[part=base], form, [part=state]") && root.textContent!.trim().length > 0;
    }, shot.selector);
    await page.waitForTimeout(300);
    await element.screenshot({ path: join(out, shot.file), animations: "disabled" });
    console.log(`saved docs/screenshots/${shot.file}`);
  }
} finally {
  await browser.close();
  await host.close();
  await server.close();
  await database.close();
  rmSync(work, { recursive: true, force: true });
}
