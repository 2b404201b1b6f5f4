// <pu-story>: one published success story (by `story` id, or the latest of a program).
import { html, nothing } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { PuElement } from "../internal/base.ts";
import { sharedStyles } from "../internal/shared.styles.ts";
import { storyStyles } from "./story.styles.ts";
import { LATEST_STORY_QUERY, STORY_QUERY, type Story } from "./story.graphql.ts";

export class PuStory extends PuElement {
  static styles = [sharedStyles, storyStyles];

  /** The story's global id; without it, the latest published story (of `program`). */
  @property() story?: string;
  @property() program?: string;

  protected defaultStrings = {
    empty: "No published story yet.",
    byline: "The story of {name}",
    takeaway: "Takeaway: {text}",
  };

  protected load = new Task(this, {
    task: async ([story, program]) => {
      if (story) return (await this.query<{ story: Story | null }>(STORY_QUERY, { id: story })).story;
      const data = await this.query<{ stories: { edges: { node: Story }[] } }>(LATEST_STORY_QUERY, { program: program || null });
      return data.stories.edges[0]?.node ?? null;
    },
    args: () => [this.story, this.program, this.endpoint, this.effectiveToken] as const,
  });

  render() {
    return this.renderLoad<Story | null>((s) =>
      s
        ? html`<article part="article" aria-labelledby="headline">
            <h2 id="headline" part="title">${s.headline}</h2>
            <p class="byline muted" part="byline">${this.t("byline", { name: s.subject.displayName })}</p>
            <p part="body">${s.whatTheyDid}</p>
            ${s.quotes.map((q) => html`<blockquote part="quote"><p>“${q}”</p></blockquote>`)}
            ${s.takeaway ? html`<p class="takeaway" part="takeaway">${this.t("takeaway", { text: s.takeaway })}</p>` : nothing}
          </article>`
        : this.state("empty"),
    );
  }
}
