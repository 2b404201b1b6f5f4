// Accessibility across the example pages: axe-core (serious and critical), colour schemes,
// reduced motion and visible keyboard focus.
import { describe, expect, it } from "vitest";
import { seriousAxeViolations } from "../helpers/browser.ts";
import { shadowText, useWidgetEnv } from "../helpers/widgets.ts";

const PAGES = ["intranet.html", "in-product.html", "dashboard.html"];

describe("widget accessibility in Chromium", () => {
  const env = useWidgetEnv();

  async function settled(path: string, colorScheme: "light" | "dark") {
    const opened = await env.open(path, { colorScheme });
    // Every element has left its loading state.
    await expect
      .poll(() => opened.page.evaluate(() => [...document.querySelectorAll("*")].filter((e) => e.localName.startsWith("pu-")).every((e) => e.shadowRoot && !e.shadowRoot.querySelector(".loading"))))
      .toBe(true);
    return opened;
  }

  for (const path of PAGES) {
    for (const scheme of ["light", "dark"] as const) {
      it(`has no serious or critical axe violations on ${path} (${scheme})`, async () => {
        const { page } = await settled(path, scheme);
        expect(await seriousAxeViolations(page)).toEqual([]);
      });
    }
  }

  it("has no serious or critical axe violations in error and validation states", async () => {
    const { page } = await settled("in-product.html", "light");
    await page.locator("#feedback button[type=submit]").click();
    await expect.poll(() => page.locator("#feedback #title").getAttribute("aria-invalid")).toBe("true");
    await page.locator("#beta").evaluate((el) => ((el as any).token = "not-a-token"));
    await expect.poll(() => page.locator("#beta [role=alert]").count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("follows the dark colour scheme with its own palette", async () => {
    const surface = async (scheme: "light" | "dark") =>
      (await settled("intranet.html", scheme)).page.locator("#workspace").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await surface("light")).toBe("rgb(255, 255, 255)");
    expect(await surface("dark")).toBe("rgb(13, 17, 23)");
  });

  it("lets a host theme override the palette with --pu-* properties", async () => {
    const { page } = await settled("in-product.html", "dark");
    // in-product.html sets --pu-color-accent on the elements; it wins over both built-in palettes.
    const accent = await page.locator("#feedback button[type=submit]").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(accent).toBe("rgb(130, 80, 223)");
  });

  it("animates the loading state only when motion is welcome", async () => {
    const animation = async (reducedMotion: "reduce" | "no-preference") => {
      const { page } = await env.open("index.html", { reducedMotion });
      // Hold every API request so the element stays in its loading state.
      await page.route(`${env.app.url}/graphql`, () => {});
      await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<pu-recognition-feed id="slow"></pu-recognition-feed>'));
      const loading = page.locator("#slow .loading");
      await loading.waitFor();
      expect(await loading.getAttribute("role")).toBe("status");
      return loading.evaluate((el) => getComputedStyle(el).animationName);
    };
    expect(await animation("no-preference")).toBe("pu-pulse");
    expect(await animation("reduce")).toBe("none");
  });

  it("shows a visible focus ring on keyboard focus", async () => {
    const { page } = await settled("in-product.html", "light");
    await page.locator("#feedback #title").focus();
    await page.keyboard.press("Tab"); // body textarea, reached by keyboard: :focus-visible applies
    const outline = await page.locator("#feedback #body").evaluate((el) => {
      const style = getComputedStyle(el);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).toBe("solid 3px");
  });

  it("announces join results in a polite live region", async () => {
    const { page } = await settled("in-product.html", "light");
    const region = page.locator("#beta [part=outcome]");
    expect(await region.getAttribute("role")).toBe("status");
    expect(await region.getAttribute("aria-live")).toBe("polite");
    expect(await shadowText(page, "#beta")).toContain("seats");
  });
});
