import { css } from "lit";

export const feedbackFormStyles = css`
  form {
    display: grid;
    gap: 0.8em;
  }
  fieldset {
    border: none;
    margin: 0;
    padding: 0;
  }
  legend,
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25em;
  }
  .choices {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 1em;
  }
  .choices label {
    font-weight: normal;
    display: inline-flex;
    gap: 0.3em;
    align-items: center;
  }
  input[type="text"],
  textarea,
  select {
    font: inherit;
    color: inherit;
    background: var(--pu-color-input, transparent);
    width: 100%;
    box-sizing: border-box;
    padding: 0.4em 0.5em;
    border: 1px solid var(--_border-strong);
    border-radius: calc(var(--_radius) / 1.5);
  }
  select {
    width: auto;
  }
  option {
    background: var(--_surface);
  }
  textarea {
    min-height: 6em;
    resize: vertical;
  }
  [aria-invalid="true"] {
    border-color: var(--_danger);
  }
  .field-error {
    color: var(--_danger);
    margin: 0.25em 0 0;
    font-size: 0.9em;
  }
  .muted {
    font-weight: normal;
  }
`;
