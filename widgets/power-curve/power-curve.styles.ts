import { css } from "lit";

export const powerCurveStyles = css`
  svg {
    width: 100%;
    height: auto;
    display: block;
  }
  .bar {
    fill: var(--_accent);
  }
  .power {
    fill: var(--_chart-power);
  }
  line {
    stroke: var(--_border);
  }
  text {
    fill: var(--_muted);
    font-size: 11px;
  }
  summary {
    cursor: pointer;
  }
  table {
    border-collapse: collapse;
    margin-top: 0.4em;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 0.15em 0.8em;
    text-align: end;
    border-bottom: 1px solid var(--_border);
  }
`;
