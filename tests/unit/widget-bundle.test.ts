import { describe, expect, it } from "vitest";
import { measureWidgetBundle, WIDGET_BUDGET_BYTES } from "../../widgets/size.ts";

const ELEMENTS = ["pu-leaderboard", "pu-badge", "pu-feedback-form", "pu-beta-signup", "pu-tier-progress", "pu-recognition-feed", "pu-story", "pu-power-curve"];

describe("the widget bundle", () => {
  it("defines every element in one module within 25 KiB gzipped", async () => {
    const { code, gzipBytes } = await measureWidgetBundle();
    console.log(`pu-widgets.js: ${gzipBytes} bytes gzipped (budget ${WIDGET_BUDGET_BYTES})`);
    expect(ELEMENTS.filter((name) => !code.includes(`"${name}"`))).toEqual([]);
    expect(gzipBytes).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
  });

  it("never renders data as markup: no unsafeHTML, unsafeSVG or innerHTML in the elements", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const files = readdirSync("widgets", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => /unsafeHTML|unsafeSVG|innerHTML/.test(readFileSync(`widgets/${f}`, "utf8")));
    expect(offenders).toEqual([]);
  });
});
