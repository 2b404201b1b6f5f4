import { css } from "lit";

export const storyStyles = css`
  h2 {
    font-size: 1.2em;
  }
  .muted {
    font-size: 0.9em;
  }
  blockquote {
    margin: 0.8em 0;
    padding: 0.2em 0 0.2em 0.9em;
    border-inline-start: 3px solid var(--_accent);
    font-style: italic;
  }
  .takeaway {
    font-weight: 600;
  }
`;
