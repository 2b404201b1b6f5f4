export const SUBMIT_FEEDBACK = /* GraphQL */ `mutation PuSubmitFeedback($input: SubmitFeedbackInput!) {
  submitFeedback(input: $input) {
    __typename
    ... on SubmitFeedbackPayload { feedback { id title status } }
    ... on ValidationError { field issues { field message } }
    ... on Error { message }
  }
}`;

export type SubmitFeedbackResult =
  | { __typename: "SubmitFeedbackPayload"; feedback: { id: string; title: string; status: string } }
  | { __typename: "ValidationError"; message: string; field: string | null; issues: { field: string; message: string }[] }
  | { __typename: string; message: string };
