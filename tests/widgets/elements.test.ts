// The other elements on the example pages, each against the real API on the demo workspace.
import { describe, expect, it } from "vitest";
import { shadowText, useWidgetEnv } from "../helpers/widgets.ts";

describe("badge, recognition feed, story, tier progress and power curve in Chromium", () => {
  const env = useWidgetEnv();

  it("<pu-badge> shows a named member's title, tier and badges, and the signed-in member's own card", async () => {
    const card = (await env.app.gql(`{ memberCard(userId: "demo-user-001") { user { displayName } title points tier { name } badges { name } } }`)).data.memberCard;
    const { page } = await env.open("intranet.html?user=demo-user-002");
    await expect.poll(() => shadowText(page, "#badge-other")).toContain(card.user.displayName);
    const text = await shadowText(page, "#badge-other");
    for (const badge of card.badges) expect(text).toContain(badge.name);
    if (card.tier) expect(text).toContain(`Tier: ${card.tier.name}`);
    if (card.title) expect(text).toContain(card.title);
    expect(await page.locator("#badge-other li[part=badge]").count()).toBe(card.badges.length);
    const me = (await env.app.gql(`{ memberCard { user { displayName } } }`, {}, await env.app.memberToken("demo-user-002"))).data.memberCard;
    await expect.poll(() => shadowText(page, "#badge-me")).toContain(me.user.displayName);
  });

  it("<pu-recognition-feed> lists the latest recognition with names and relative times", async () => {
    const feed = (await env.app.gql(`{ recognitionFeed(first: 8) { edges { node { message user { displayName } } } } }`)).data.recognitionFeed.edges;
    const { page } = await env.open("intranet.html");
    const items = page.locator("#feed li[part=item]");
    await expect.poll(() => items.count()).toBe(feed.length);
    expect(await items.first().textContent()).toContain(feed[0].node.message);
    expect(await items.first().locator("time").getAttribute("datetime")).toBeTruthy();
  });

  it("<pu-story> shows the latest published story of a program", async () => {
    const { page } = await env.open("intranet.html");
    await expect.poll(() => shadowText(page, "#story")).toContain("Month-end close in two days instead of five");
    expect(await page.locator("#story blockquote").count()).toBe(1);
    expect(await page.locator("#story article").getAttribute("aria-labelledby")).toBe("headline");
  });

  it("<pu-tier-progress> shows the member's tier and each condition toward the next", async () => {
    const member = await env.app.db.membership.findFirstOrThrow({ where: { status: "ACTIVE", tier: { rank: 1 } }, include: { user: true, tier: true } });
    const { page } = await env.open(`dashboard.html?user=${member.user.externalId}`);
    await expect.poll(() => shadowText(page, "#tier")).toContain(`Your tier: ${member.tier!.name}`);
    expect(await shadowText(page, "#tier")).toContain("Next: Champion");
    const bars = page.locator("#tier [role=progressbar]");
    expect(await bars.count()).toBeGreaterThan(0);
    expect(Number(await bars.first().getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(0);
    expect(await bars.first().getAttribute("aria-label")).toBeTruthy();
  });

  it("<pu-power-curve> draws the curve from a metrics:read key with an accessible name and a data table", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const curve = (await env.app.gql(`{ powerUserCurve(asOf: "${today}", windowDays: 30) { ... on PowerUserCurve { buckets { activeDays users } } } }`, {}, "admin")).data.powerUserCurve;
    const { page } = await env.open("dashboard.html");
    const svg = page.locator("#curve30 svg[role=img]");
    await expect.poll(() => svg.count()).toBe(1);
    expect(await svg.getAttribute("aria-labelledby")).toBe("title description");
    expect(await page.locator("#curve30 rect.bar").count()).toBe(30);
    const rows = await page.locator("#curve30 tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]));
    expect(rows).toEqual(curve.buckets.map((b: any) => [String(b.activeDays), String(b.users)]));
    const total = curve.buckets.reduce((n: number, b: any) => n + b.users, 0);
    expect(await shadowText(page, "#curve30")).toContain(`${total} people were active in the 30 days`);
    // The data table opens from the keyboard.
    await page.locator("#curve30 summary").focus();
    await page.keyboard.press("Enter");
    expect(await page.locator("#curve30 details").getAttribute("open")).not.toBeNull();
  });

  it("<pu-power-curve> refuses a member token and says so in its error state", async () => {
    const { page } = await env.open("dashboard.html");
    const token = await env.app.memberToken("demo-user-010");
    await page.locator("#curve7").evaluate((el, t) => ((el as any).token = t), token);
    await expect.poll(() => page.locator("#curve7 [role=alert]").count()).toBe(1);
    expect(await page.locator("#curve7 button[part~=retry]").count()).toBe(1);
  });
});
