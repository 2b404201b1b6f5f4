import type { Condition } from "../internal/conditions.ts";

const ENROLLMENT = `enrollment { id status waitlistPosition }`;

export const COHORT_QUERY = /* GraphQL */ `query PuCohort($id: ID!) {
  cohort(id: $id) {
    id name description capacity seatsLeft acceptedCount waitlistLength mode opensAt closesAt isOpen
    myEnrollment { id status waitlistPosition }
  }
}`;

export const JOIN_COHORT = /* GraphQL */ `mutation PuJoinCohort($input: JoinCohortInput!) {
  joinCohort(input: $input) {
    __typename
    ... on JoinCohortPayload { ${ENROLLMENT} }
    ... on NotEligibleError { summary explanation { passed conditions { metric windowDays op threshold actual passed label } } }
    ... on Error { message }
  }
}`;

export const LEAVE_COHORT = /* GraphQL */ `mutation PuLeaveCohort($input: LeaveCohortInput!) {
  leaveCohort(input: $input) {
    __typename
    ... on LeaveCohortPayload { enrollment { id status } }
    ... on Error { message }
  }
}`;

export interface Enrollment {
  id: string;
  status: string;
  waitlistPosition: number | null;
}

export interface Cohort {
  id: string;
  name: string;
  description: string | null;
  capacity: number;
  seatsLeft: number;
  acceptedCount: number;
  waitlistLength: number;
  mode: string;
  opensAt: string | null;
  closesAt: string | null;
  isOpen: boolean;
  myEnrollment: Enrollment | null;
}

export type JoinResult =
  | { __typename: "JoinCohortPayload"; enrollment: Enrollment }
  | { __typename: "NotEligibleError"; message: string; summary: string; explanation: { passed: boolean; conditions: Condition[] } | null }
  | { __typename: string; message: string };

export type LeaveResult = { __typename: "LeaveCohortPayload"; enrollment: { id: string; status: string } } | { __typename: string; message: string };
