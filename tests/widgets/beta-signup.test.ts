import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shadowText, useWidgetEnv } from "../helpers/widgets.ts";

const COHORT = "demo-cohort-ai-assistant";

describe("<pu-beta-signup> in Chromium", () => {
  const env = useWidgetEnv();
  /** Demo users with no enrolment in the beta, one per test. */
  let free: string[];
  beforeAll(async () => {
    const enrolled = new Set((await env.app.db.enrollment.findMany({ where: { cohortId: COHORT } })).map((e) => e.userId));
    free = (await env.app.db.user.findMany({ orderBy: { externalId: "desc" } })).filter((u) => !enrolled.has(u.id)).map((u) => u.externalId);
  });
  beforeEach(async () => {
    await env.app.db.cohort.update({ where: { id: COHORT }, data: { capacity: 25, eligibility: null as never } });
  });

  it("shows the seats left, joins with a click, then leaves, telling the host page each time", async () => {
    const user = free.pop()!;
    const { page } = await env.open(`in-product.html?user=${user}`);
    const cohort = await env.app.db.cohort.findUniqueOrThrow({ where: { id: COHORT } });
    await expect.poll(() => shadowText(page, "#beta")).toContain(`${cohort.capacity - cohort.acceptedCount} of ${cohort.capacity} seats left`);

    await page.locator("#beta button", { hasText: "Join the beta" }).click();
    await expect.poll(() => shadowText(page, "#beta")).toContain("You are in the beta.");
    await expect.poll(() => page.locator("#log").textContent()).toContain("pu-beta-joined");
    const me = await env.app.db.user.findUniqueOrThrow({ where: { externalId: user } });
    expect((await env.app.db.enrollment.findFirstOrThrow({ where: { cohortId: COHORT, userId: me.id } })).status).toBe("ACCEPTED");

    await page.locator("#beta button", { hasText: "Leave the beta" }).click();
    await expect.poll(() => shadowText(page, "#beta")).toContain("You left the beta.");
    await expect.poll(() => page.locator("#log").textContent()).toContain("pu-beta-left");
    expect((await env.app.db.enrollment.findFirstOrThrow({ where: { cohortId: COHORT, userId: me.id } })).status).toBe("LEFT");
    await expect.poll(() => page.locator("#beta button").textContent()).toContain("Join the beta");
  });

  it("puts a member on the waitlist of a full cohort and shows their place", async () => {
    const cohort = await env.app.db.cohort.findUniqueOrThrow({ where: { id: COHORT } });
    await env.app.db.cohort.update({ where: { id: COHORT }, data: { capacity: cohort.acceptedCount } });
    const { page } = await env.open(`in-product.html?user=${free.pop()}`);
    await expect.poll(() => shadowText(page, "#beta")).toContain("All seats are taken");
    await page.locator("#beta button", { hasText: "Join the waitlist" }).click();
    await expect.poll(() => shadowText(page, "#beta")).toMatch(/You are number \d+ on the waitlist\./);
    expect(await page.locator("#beta button").textContent()).toContain("Leave the waitlist");
  });

  it("explains in plain words why a member is not eligible, and joins nothing", async () => {
    await env.app.db.cohort.update({
      where: { id: COHORT },
      data: { eligibility: { all: [{ metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 31 }] } },
    });
    const user = free.pop()!;
    const { page } = await env.open(`in-product.html?user=${user}`);
    await page.locator("#beta button", { hasText: "Join the beta" }).click();
    await expect.poll(() => shadowText(page, "#beta")).toContain("You are not eligible for this beta yet");
    expect(await shadowText(page, "#beta")).toMatch(/Days active in the last 30 days: you have \d+, and at least 31 are needed\./);
    const me = await env.app.db.user.findUnique({ where: { externalId: user } });
    expect(await env.app.db.enrollment.count({ where: { cohortId: COHORT, userId: me?.id ?? "none" } })).toBe(0);
  });

  it("joins by keyboard alone and keeps focus on the action button", async () => {
    const { page } = await env.open(`in-product.html?user=${free.pop()}`);
    await page.locator("#beta button", { hasText: "Join the beta" }).waitFor();
    // Tab from the top of the page until the join button has focus.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent ?? "")).includes("Join")) break;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("beta");
    await page.keyboard.press("Enter");
    await expect.poll(() => shadowText(page, "#beta")).toContain("You are in the beta.");
    await expect.poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent?.trim())).toBe("Leave the beta");
  });

  it("asks an anonymous visitor to sign in instead of offering to join", async () => {
    const { page } = await env.open("index.html");
    await page.evaluate((id) => {
      const el = document.createElement("pu-beta-signup");
      el.id = "anon";
      el.setAttribute("cohort", id);
      document.body.append(el);
    }, Buffer.from(`Cohort:${COHORT}`).toString("base64"));
    // index.html does not load the bundle: load it as a host page would.
    await page.addScriptTag({ type: "module", url: `${env.app.url}/widgets/pu-widgets.js` });
    await expect.poll(() => shadowText(page, "#anon")).toContain("Sign in to join this beta.");
    expect(await page.locator("#anon button").count()).toBe(0);
  });
});
