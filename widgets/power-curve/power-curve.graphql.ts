export const POWER_CURVE_QUERY = /* GraphQL */ `query PuPowerCurve($asOf: Date!, $windowDays: Int) {
  powerUserCurve(asOf: $asOf, windowDays: $windowDays) {
    __typename ... on PowerUserCurve { windowDays buckets { activeDays users } } ... on Error { message }
  }
}`;

export interface Bucket {
  activeDays: number;
  users: number;
}

export interface PowerCurve {
  windowDays: number;
  buckets: Bucket[];
}

export type PowerCurveResult = PowerCurve | { message: string };
