// Headless Chromium for widget tests: the binary shipped by @sparticuz/chromium (unpacked into
// /tmp on first use), driven by playwright-core. Nothing is downloaded at test time.
import Chromium from "@sparticuz/chromium";
import { chromium, type Browser, type Page } from "playwright-core";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

let shared: Promise<Browser> | undefined;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await Chromium.executablePath(), args: Chromium.args, headless: true });
}

/** One browser per test file (vitest runs browser files one after another). */
export function sharedBrowser(): Promise<Browser> {
  return (shared ??= launchBrowser());
}

export async function closeBrowser() {
  const browser = await shared;
  shared = undefined;
  await browser?.close();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; html: string }[];
}

/** Runs axe-core in the page (shadow roots included) and returns serious and critical violations. */
export async function seriousAxeViolations(page: Page, selector?: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async (context) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(context ?? document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  }, selector ?? null);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
