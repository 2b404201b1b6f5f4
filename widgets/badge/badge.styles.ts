import { css } from "lit";

export const badgeStyles = css`
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5em;
  }
  .name {
    font-weight: 600;
  }
  .title,
  .tier {
    font-size: 0.85em;
    border-radius: 999px;
    padding: 0.1em 0.6em;
    background: var(--_accent-soft);
    color: var(--_accent-text);
  }
  .tier {
    background: var(--_highlight);
    color: inherit;
  }
  ul {
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
    margin: 0.6em 0 0;
    padding: 0;
  }
  li {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.2em 0.6em;
    font-size: 0.85em;
  }
  img {
    width: 1.2em;
    height: 1.2em;
    vertical-align: middle;
  }
`;
