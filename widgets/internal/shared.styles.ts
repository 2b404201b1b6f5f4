// Styles every element shares: theme custom properties with fallbacks, focus, states.
import { css } from "lit";

export const sharedStyles = css`
  :host {
    display: block;
    font-family: var(--pu-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
    font-size: var(--pu-font-size, 0.95rem);
    color: var(--pu-color-text, #1f2328);
    background: var(--pu-color-surface, #ffffff);
    border: 1px solid var(--pu-color-border, #d0d7de);
    border-radius: var(--pu-radius, 8px);
    padding: var(--pu-spacing, 1rem);
    box-sizing: border-box;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      color: var(--pu-color-text, #e6edf3);
      background: var(--pu-color-surface, #0d1117);
      border-color: var(--pu-color-border, #30363d);
    }
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    font-size: 1.05em;
    margin: 0 0 0.75em;
  }
  button {
    font: inherit;
    color: var(--pu-color-on-accent, #ffffff);
    background: var(--pu-color-accent, #0969da);
    border: none;
    border-radius: calc(var(--pu-radius, 8px) / 1.5);
    padding: 0.4em 0.9em;
    cursor: pointer;
  }
  :focus-visible {
    outline: 3px solid var(--pu-color-focus, #ffb000);
    outline-offset: 2px;
  }
  .state {
    color: var(--pu-color-muted, #57606a);
    padding: 0.5em 0;
  }
  @media (prefers-color-scheme: dark) {
    .state {
      color: var(--pu-color-muted, #9198a1);
    }
  }
  .error {
    color: var(--pu-color-danger, #cf222e);
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
