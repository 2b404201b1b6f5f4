import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowser, seriousAxeViolations } from "../helpers/browser.ts";
import { widgetEnv, type WidgetEnv } from "../helpers/widgets.ts";

describe("<pu-leaderboard> in Chromium", () => {
  let env: WidgetEnv;
  beforeAll(async () => {
    env = await widgetEnv();
  });
  afterAll(async () => {
    await env?.close();
    await closeBrowser();
  });

  it("renders the demo board on a page of another origin with only the script tag and the element", async () => {
    const { page, errors } = await env.open("intranet.html");
    const rows = page.locator("#workspace tr.row");
    await expect.poll(() => rows.count()).toBe(5);
    const expected = await env.app.gql(`{ leaderboard(first: 5) { edges { node { rank points user { displayName } } } } }`);
    const first = expected.data.leaderboard.edges[0].node;
    await expect.poll(() => rows.first().locator(".name").textContent()).toContain(first.user.displayName);
    expect(await rows.first().locator(".points").textContent()).toBe(first.points.toLocaleString("en-US"));
    expect(errors.filter((e) => !e.includes("leaderboardChanged"))).toEqual([]);
  });
});
