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
    border-bottom: 1px solid var(--_border);
  }
  th {
    font-size: 0.85em;
    color: var(--_muted);
  }
  .rank,
  .points {
    text-align: end;
    font-variant-numeric: tabular-nums;
    width: 4em;
  }
  .me {
    background: var(--_highlight);
    font-weight: 600;
  }
  .gap td {
    text-align: center;
    color: var(--_muted);
    border-bottom: none;
  }
`;
