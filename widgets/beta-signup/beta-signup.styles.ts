import { css } from "lit";

export const betaSignupStyles = css`
  .seats {
    font-weight: 600;
  }
  .actions {
    display: flex;
    gap: 0.6em;
    align-items: center;
    flex-wrap: wrap;
  }
  ul {
    margin: 0.3em 0 0;
    padding-inline-start: 1.2em;
  }
  .passed {
    color: var(--_success);
  }
`;
