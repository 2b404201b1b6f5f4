// <pu-badge>: a member's tier, title and badges; `user` names them, or it is the signed-in member.
import { html, nothing } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { safeHttpUrl } from "../internal/format.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { badgeStyles } from "./badge.styles.ts";
import { MEMBER_CARD_QUERY, type MemberCard } from "./badge.graphql.ts";

export class PuBadge extends PuElement {
  static styles = [sharedStyles, badgeStyles];

  /** The person's externalId; without it, the signed-in member. */
  @property() user?: string;
  /** Program slug for the tier; without it, the member's main program. */
  @property() program?: string;

  protected defaultStrings = {
    empty: "No badges yet.",
    notFound: "No such member.",
    badges: "Badges",
    tier: "Tier: {name}",
    points: "{points} points",
  };

  protected load = new Task(this, {
    task: async ([user, program, , token]) => {
      if (!user && !token) return undefined;
      const data = await this.query<{ memberCard: MemberCard | null }>(MEMBER_CARD_QUERY, { userId: user || null, program: program || null });
      return data.memberCard;
    },
    args: () => [this.user, this.program, this.endpoint, this.effectiveToken] as const,
  });

  render() {
    return this.renderLoad<MemberCard | null | undefined>((card) => {
      if (card === undefined) return this.state("signIn");
      if (!card) return this.state("notFound");
      return html`<div class="head" part="header">
          <span class="name ${card.user.isAnonymous ? "anonymous" : ""}" part="name">${card.user.displayName}</span>
          ${card.title ? html`<span class="title" part="title">${card.title}</span>` : nothing}
          ${card.tier ? html`<span class="tier" part="tier">${this.t("tier", { name: card.tier.name })}</span>` : nothing}
          <span class="points" part="points">${this.t("points", { points: card.points.toLocaleString() })}</span>
        </div>
        ${card.badges.length
          ? html`<ul part="badges" aria-label=${this.t("badges")}>
              ${card.badges.map((b) => html`<li part="badge" title=${b.title ?? b.name}>${this.icon(b.icon)} ${b.name}</li>`)}
            </ul>`
          : this.state("empty")}`;
    });
  }

  private icon(icon: string | null) {
    if (!icon) return nothing;
    const url = safeHttpUrl(icon);
    if (url) return html`<img src=${url} alt="" part="icon" />`;
    // Anything that is not an http(s) URL is shown as text (an emoji), never as markup.
    return /^[a-z][a-z0-9+.-]*:/i.test(icon) ? nothing : html`<span aria-hidden="true" part="icon">${icon}</span>`;
  }
}
