import { describe, expect, it } from "vitest";
import { shadowText, useWidgetEnv } from "../helpers/widgets.ts";

describe("<pu-feedback-form> in Chromium", () => {
  const env = useWidgetEnv();

  it("submits feedback for the beta's feature and links to follow it", async () => {
    const { page } = await env.open("in-product.html?user=demo-user-077");
    await page.locator("#feedback input[value=BUG]").check();
    await page.locator("#feedback #title").fill("Assistant forgets the filter");
    await page.locator("#feedback #body").fill("After a follow-up question the assistant drops the date filter.");
    await page.locator("#feedback #rating").selectOption("3");
    await page.locator("#feedback button[type=submit]").click();

    await expect.poll(() => shadowText(page, "#feedback")).toContain("Thank you! We received “Assistant forgets the filter”.");
    const saved = await env.app.db.feedback.findFirstOrThrow({ where: { title: "Assistant forgets the filter" }, include: { author: true } });
    expect(saved).toMatchObject({ kind: "BUG", rating: 3, cohortId: "demo-cohort-ai-assistant", body: "After a follow-up question the assistant drops the date filter." });
    expect(saved.author.externalId).toBe("demo-user-077");
    await expect.poll(() => page.locator("#log").textContent()).toContain("pu-feedback-submitted");

    const link = page.locator("#feedback a[part=link]");
    const href = await link.getAttribute("href");
    expect(href).toMatch(/\/examples\/feedback\.html\?id=/);
    const id = decodeURIComponent(new URL(href!).searchParams.get("id")!);
    expect(Buffer.from(id, "base64").toString()).toBe(`Feedback:${saved.id}`);
    // The success message takes focus, so a keyboard user lands on it.
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute("part"))).toBe("success");
  });

  it("checks the form before sending: names each missing field, focuses the first, sends nothing", async () => {
    const before = await env.app.db.feedback.count();
    const { page } = await env.open("in-product.html?user=demo-user-078");
    await page.locator("#feedback button[type=submit]").waitFor();
    await page.locator("#feedback button[type=submit]").click();
    const title = page.locator("#feedback #title");
    await expect.poll(() => title.getAttribute("aria-invalid")).toBe("true");
    expect(await title.getAttribute("aria-describedby")).toBe("title-error");
    expect(await page.locator("#feedback #title-error").textContent()).toBe("Enter a title.");
    expect(await page.locator("#feedback #body-error").textContent()).toBe("Describe your feedback.");
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe("title");
    expect(await env.app.db.feedback.count()).toBe(before);

    // Editing a field clears its message.
    await title.fill("Now with a title");
    expect(await page.locator("#feedback #title-error").count()).toBe(0);
  });

  it("can be filled and sent with the keyboard alone", async () => {
    const { page } = await env.open("in-product.html?user=demo-user-079");
    await page.locator("#feedback #title").waitFor();
    await page.locator("#feedback input[name=kind]").first().focus();
    await page.keyboard.press("ArrowRight"); // radio group: IDEA -> BUG
    await page.keyboard.press("ArrowRight"); // -> PRAISE
    await page.keyboard.press("Tab");
    await page.keyboard.type("Love the new assistant");
    await page.keyboard.press("Tab");
    await page.keyboard.type("It answered my SQL question in seconds.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("ArrowDown"); // rating: none -> 1
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => shadowText(page, "#feedback")).toContain("We received “Love the new assistant”");
    const saved = await env.app.db.feedback.findFirstOrThrow({ where: { title: "Love the new assistant" } });
    expect(saved.kind).toBe("PRAISE");
  });

  it("shows the API's field error next to its field when the server refuses the input", async () => {
    const before = await env.app.db.feedback.count();
    const { page } = await env.open("in-product.html?user=demo-user-080");
    await page.locator("#feedback #title").waitFor();
    // The form and the API agree on limits, so change the request on the wire to reach the API's check.
    await page.route(`${env.app.url}/graphql`, async (route) => {
      const body = route.request().postDataJSON();
      if (body?.variables?.input) body.variables.input.title = "t".repeat(201);
      await route.continue({ postData: JSON.stringify(body) });
    });
    await page.locator("#feedback #title").fill("Fine title");
    await page.locator("#feedback #body").fill("Fine body");
    await page.locator("#feedback button[type=submit]").click();
    await expect.poll(() => page.locator("#feedback #title").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#feedback #title-error").textContent()).toContain("at most 200 characters");
    expect(await env.app.db.feedback.count()).toBe(before);
  });

  it("reports a refusal that names no form field in an alert, with a pu-error event", async () => {
    const { page } = await env.open("in-product.html?user=demo-user-081");
    await page.locator("#feedback").evaluate((el) => el.setAttribute("feature", "no-such-feature"));
    await page.locator("#feedback #title").fill("About a feature that does not exist");
    await page.locator("#feedback #body").fill("Body");
    await page.locator("#feedback button[type=submit]").click();
    const alert = page.locator("#feedback [role=alert]");
    await expect.poll(() => alert.textContent()).toContain("Your feedback could not be sent");
    expect(await alert.textContent()).toContain("featureKey");
    await expect.poll(() => page.locator("#log").textContent()).toContain("pu-error");
  });
});
