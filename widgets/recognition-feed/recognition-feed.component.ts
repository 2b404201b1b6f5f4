// <pu-recognition-feed>: the public feed of badges, promotions and published stories.
import { html } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { relativeTime } from "../internal/format.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { recognitionFeedStyles } from "./recognition-feed.styles.ts";
import { RECOGNITION_FEED_QUERY, type RecognitionItem } from "./recognition-feed.graphql.ts";

const ICONS: Record<string, string> = { BADGE_AWARDED: "🏅", TIER_PROMOTED: "⬆️", STORY_PUBLISHED: "📣", TITLE_AWARDED: "🎖️" };

export class PuRecognitionFeed extends PuElement {
  static styles = [sharedStyles, recognitionFeedStyles];

  @property() program?: string;
  @property({ type: Number }) limit = 10;

  protected defaultStrings = {
    title: "Recognition",
    empty: "Nothing to celebrate yet.",
  };

  protected load = new Task(this, {
    task: async ([program, limit]) => {
      const first = Math.max(1, Math.min(50, Math.floor(Number(limit)) || 10));
      const data = await this.query<{ recognitionFeed: { edges: { node: RecognitionItem }[] } }>(RECOGNITION_FEED_QUERY, { program: program || null, first });
      return data.recognitionFeed.edges.map((e) => e.node);
    },
    args: () => [this.program, this.limit, this.endpoint, this.effectiveToken] as const,
  });

  render() {
    return this.renderLoad<RecognitionItem[]>(
      (items) => html`<h2 part="title">${this.t("title")}</h2>
        ${items.length
          ? html`<ol part="list">
              ${items.map(
                (item) => html`<li part="item">
                  <span class="icon" aria-hidden="true">${ICONS[item.kind] ?? "✨"}</span>
                  <span class="text"><span class="who ${item.user.isAnonymous ? "anonymous" : ""}" part="name">${item.user.displayName}</span> ${item.message}</span>
                  <time datetime=${item.occurredAt} title=${new Date(item.occurredAt).toLocaleString()}>${relativeTime(item.occurredAt)}</time>
                </li>`,
              )}
            </ol>`
          : this.state("empty")}`,
    );
  }
}
