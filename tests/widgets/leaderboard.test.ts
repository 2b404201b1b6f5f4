import { describe, expect, it } from "vitest";
import { shadowText, useWidgetEnv } from "../helpers/widgets.ts";

const BOARD = `query ($first: Int, $period: LeaderboardPeriod, $program: String) { leaderboard(first: $first, period: $period, program: $program) {
  edges { node { rank points user { externalId displayName } } } } }`;

describe("<pu-leaderboard> in Chromium", () => {
  const env = useWidgetEnv();

  it("renders the demo board on a page of another origin with only the script tag and the element", async () => {
    const { page } = await env.open("intranet.html");
    const rows = page.locator("#workspace tr.row");
    await expect.poll(() => rows.count()).toBe(5);
    const expected = (await env.app.gql(BOARD, { first: 5 })).data.leaderboard.edges.map((e: any) => e.node);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim())));
    expect(shown).toEqual(expected.map((n: any) => [String(n.rank), n.user.displayName, n.points.toLocaleString("en-US")]));
    expect(await shadowText(page, "#workspace")).toContain("Whole company · all time");
  });

  it("highlights the signed-in member's own row when they are in the top rows", async () => {
    const top = (await env.app.gql(BOARD, { first: 3 })).data.leaderboard.edges[1].node;
    const { page } = await env.open(`intranet.html?user=${top.user.externalId}`);
    const mine = page.locator("#workspace tr.me");
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.getAttribute("aria-current")).toBe("true");
    expect(await mine.locator(".name").textContent()).toContain(top.user.displayName);
    expect(await page.locator("#workspace tbody.below").count()).toBe(0);
  });

  it("shows the member's own position below the cut when they are not in the top rows", async () => {
    const far = (await env.app.gql(BOARD, { first: 30 })).data.leaderboard.edges[25].node;
    const { page } = await env.open(`intranet.html?user=${far.user.externalId}`);
    const below = page.locator("#workspace tbody.below tr.me");
    await expect.poll(() => below.count()).toBe(1);
    expect(await below.locator(".rank").textContent()).toBe(String(far.rank));
    expect(await page.locator("#workspace tbody.below").getAttribute("aria-label")).toBe("Your position");
    expect(await page.locator("#workspace tr.row").count()).toBe(6);
  });

  it("follows its attributes: a program, a period and a limit", async () => {
    const { page } = await env.open("intranet.html");
    const expected = (await env.app.gql(BOARD, { first: 3, period: "MONTH", program: "insiders" })).data.leaderboard.edges;
    await page.locator("#board").evaluate((el) => el.setAttribute("limit", "3"));
    await expect.poll(() => page.locator("#board tr.row").count()).toBe(expected.length);
    expect(await shadowText(page, "#board")).toContain("this month");
    expect(await page.locator("#board tr.row .name").first().textContent()).toContain(expected[0].node.user.displayName);
  });

  it("shows an error with a retry button when the API cannot be reached, and recovers on retry", async () => {
    const { page } = await env.open("index.html");
    let fail = true;
    await page.route(`${env.app.url}/graphql`, (route) => (fail ? route.abort("connectionrefused") : route.continue()));
    await page.evaluate(() => {
      document.addEventListener("pu-error", (e) => ((window as any).lastError = (e as CustomEvent).detail));
      document.body.insertAdjacentHTML("beforeend", '<pu-leaderboard id="lb" limit="3"></pu-leaderboard>');
    });
    await page.addScriptTag({ type: "module", url: `${env.app.url}/widgets/pu-widgets.js` });
    const alert = page.locator("#lb [role=alert]");
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.textContent()).toContain("This could not be loaded");
    expect(await page.evaluate(() => (window as any).lastError?.element)).toBe("pu-leaderboard");

    fail = false;
    await page.locator("#lb button[part~=retry]").click();
    await expect.poll(() => page.locator("#lb tr.row").count()).toBe(3);
  });

  it("shows the empty state for a board with no points", async () => {
    const { page } = await env.open("intranet.html");
    await page.locator("#workspace").evaluate((el) => el.setAttribute("team", "No such team"));
    await expect.poll(() => shadowText(page, "#workspace")).toContain("No points yet. Be the first!");
  });

  it("takes host strings from the strings attribute and from configure()", async () => {
    const { page } = await env.open("intranet.html");
    await expect.poll(() => shadowText(page, "#workspace")).toContain("Whole company");
    // A string, so the test runner does not rewrite the page's dynamic import.
    await page.evaluate(`import("${env.app.url}/widgets/pu-widgets.js").then((m) => m.configure({ strings: { rank: "Platz", points: "Punkte" } }))`);
    await expect.poll(() => shadowText(page, "#workspace")).toContain("Platz");
    expect(await shadowText(page, "#board")).toContain("Punkte");
  });

  it("stays current with `live`: a contribution recorded elsewhere moves the board without a reload", async () => {
    const { page } = await env.open("intranet.html");
    const rows = page.locator("#workspace tr.row");
    await expect.poll(() => rows.count()).toBe(5);
    // The workspace board is not live in the page; make it live, as a host would with the attribute.
    await page.locator("#workspace").evaluate((el) => el.setAttribute("live", ""));
    const leader = (await env.app.gql(BOARD, { first: 1 })).data.leaderboard.edges[0].node;
    const riser = (await env.app.gql(BOARD, { first: 30 })).data.leaderboard.edges.at(-1).node;
    await page.waitForTimeout(500); // the stream is open and has sent the current board
    const recorded = await env.app.gql(
      `mutation ($input: RecordContributionInput!) { recordContribution(input: $input) { __typename } }`,
      { input: { userId: riser.user.externalId, kind: "TALK", points: leader.points + 100, occurredAt: new Date().toISOString(), externalId: "live-test-1" } },
      "admin",
    );
    expect(recorded.data.recordContribution.__typename).toBe("RecordContributionPayload");
    await expect.poll(() => rows.first().locator(".name").textContent()).toContain(riser.user.displayName);
    expect(await rows.first().locator(".points").textContent()).toBe((riser.points + leader.points + 100).toLocaleString("en-US"));
  });

  it("reconnects the live board after the stream is cut, and catches up", async () => {
    const { page } = await env.open("index.html");
    let cut = true;
    // Every live stream fails while `cut` is set; plain queries go through.
    await page.route(`${env.app.url}/graphql`, (route) =>
      cut && (route.request().postData() ?? "").includes("subscription PuLeaderboardLive") ? route.abort("connectionreset") : route.continue(),
    );
    await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<pu-leaderboard id="live" limit="3" live></pu-leaderboard>'));
    await expect.poll(() => page.locator("#live tr.row").count()).toBe(3);
    const leader = (await env.app.gql(BOARD, { first: 1 })).data.leaderboard.edges[0].node;
    const riser = (await env.app.gql(BOARD, { first: 20 })).data.leaderboard.edges.at(-1).node;
    await env.app.gql(
      `mutation ($input: RecordContributionInput!) { recordContribution(input: $input) { __typename } }`,
      { input: { userId: riser.user.externalId, kind: "TALK", points: leader.points + 50, occurredAt: new Date().toISOString(), externalId: "live-test-2" } },
      "admin",
    );
    cut = false;
    // The retry (about 1-2 s later) reloads the board and reopens the stream.
    await expect.poll(() => page.locator("#live tr.row .name").first().textContent(), { timeout: 10_000 }).toContain(riser.user.displayName);
  });
});
