import { css } from "lit";

export const leaderboardStyles = css`
  table {
    width: 100%;
    border-collapse: collapse;
  }
  caption {
    text-align: start;
    font-weight: 600;
    margin-bottom: 0.5em;
  }
  th,
  td {
    padding: 0.35em 0.5em;
    text-align: start;
    border-bottom: 1px solid var(--pu-color-border, #d0d7de);
  }
  th {
    font-size: 0.85em;
    color: var(--pu-color-muted, #57606a);
    font-weight: 600;
  }
  .rank,
  .points {
    text-align: end;
    font-variant-numeric: tabular-nums;
    width: 4em;
  }
  .row.me {
    background: var(--pu-color-highlight, #fff8c5);
    font-weight: 600;
  }
  @media (prefers-color-scheme: dark) {
    .row.me {
      background: var(--pu-color-highlight, #3b2e00);
    }
  }
  .anonymous {
    font-style: italic;
  }
  .gap td {
    text-align: center;
    color: var(--pu-color-muted, #57606a);
    border-bottom: none;
  }
`;
