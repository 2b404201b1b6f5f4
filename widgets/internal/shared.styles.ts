// Styles every element shares. The public theme is the `--pu-*` custom properties; each is read
// once here into a private `--_*` variable with a light and a dark fallback, so element styles
// use `var(--_muted)` and need no colour-scheme rules of their own.
import { css } from "lit";

export const sharedStyles = css`
  :host {
    --_text: var(--pu-color-text, #1f2328);
    --_surface: var(--pu-color-surface, #ffffff);
    --_border: var(--pu-color-border, #d0d7de);
    --_border-strong: var(--pu-color-border-strong, #6e7781);
    --_muted: var(--pu-color-muted, #57606a);
    --_accent: var(--pu-color-accent, #0969da);
    --_on-accent: var(--pu-color-on-accent, #ffffff);
    --_accent-text: var(--pu-color-accent-text, #0550ae);
    --_accent-soft: var(--pu-color-accent-soft, #ddf4ff);
    --_highlight: var(--pu-color-highlight, #fff8c5);
    --_danger: var(--pu-color-danger, #cf222e);
    --_success: var(--pu-color-success, #1a7f37);
    --_chart-power: var(--pu-color-chart-power, #8250df);
    --_radius: var(--pu-radius, 8px);
    display: block;
    font-family: var(--pu-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
    font-size: var(--pu-font-size, 0.95rem);
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--pu-spacing, 1rem);
    box-sizing: border-box;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_text: var(--pu-color-text, #e6edf3);
      --_surface: var(--pu-color-surface, #0d1117);
      --_border: var(--pu-color-border, #30363d);
      --_border-strong: var(--pu-color-border-strong, #8b949e);
      --_muted: var(--pu-color-muted, #9198a1);
      --_accent: var(--pu-color-accent, #1f6feb);
      --_accent-text: var(--pu-color-accent-text, #a5d6ff);
      --_accent-soft: var(--pu-color-accent-soft, #0c2d6b);
      --_highlight: var(--pu-color-highlight, #3b2e00);
      --_danger: var(--pu-color-danger, #ff7b72);
      --_success: var(--pu-color-success, #3fb950);
      --_chart-power: var(--pu-color-chart-power, #a371f7);
    }
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    font-size: 1.05em;
    margin: 0 0 0.75em;
  }
  h3 {
    font-size: 1em;
    margin: 0.75em 0 0.25em;
  }
  p {
    margin: 0.4em 0;
  }
  a {
    color: var(--_accent-text);
  }
  button {
    font: inherit;
    color: var(--_on-accent);
    background: var(--_accent);
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) / 1.5);
    padding: 0.4em 0.9em;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  button.secondary {
    color: var(--_accent-text);
    background: transparent;
    border-color: currentColor;
  }
  :focus-visible {
    outline: 3px solid var(--pu-color-focus, #ffb000);
    outline-offset: 2px;
  }
  .state,
  time,
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_danger);
  }
  .anonymous {
    font-style: italic;
  }
  @media (prefers-reduced-motion: no-preference) {
    .loading {
      animation: pu-pulse 1.2s ease-in-out infinite;
    }
  }
  @keyframes pu-pulse {
    50% {
      opacity: 0.5;
    }
  }
`;
