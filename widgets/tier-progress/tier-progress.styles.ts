import { css } from "lit";

export const tierProgressStyles = css`
  ol {
    list-style: none;
    margin: 0.5em 0;
    padding: 0;
    display: grid;
    gap: 0.6em;
  }
  .label {
    display: flex;
    justify-content: space-between;
    gap: 1em;
  }
  .value {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .bar {
    height: 0.5em;
    border-radius: 999px;
    background: var(--pu-color-track, var(--_border));
    overflow: hidden;
    margin-top: 0.25em;
  }
  .fill {
    height: 100%;
    background: var(--_accent);
  }
  .passed .fill {
    background: var(--_success);
  }
  @media (prefers-reduced-motion: no-preference) {
    .fill {
      transition: width 0.4s ease-out;
    }
  }
  ul {
    margin: 0.3em 0 0;
    padding-inline-start: 1.2em;
  }
`;
