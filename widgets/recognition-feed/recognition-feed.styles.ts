import { css } from "lit";

export const recognitionFeedStyles = css`
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    display: flex;
    gap: 0.6em;
    align-items: baseline;
    padding: 0.4em 0;
    border-bottom: 1px solid var(--_border);
  }
  li:last-child {
    border-bottom: none;
  }
  .text {
    flex: 1;
  }
  .who {
    font-weight: 600;
  }
  time {
    font-size: 0.85em;
    white-space: nowrap;
  }
`;
