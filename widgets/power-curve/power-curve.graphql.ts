export const POWER_CURVE_QUERY = /* GraphQL */ `query PuPowerCurve($asOf: Date!, $windowDays: Int) {
  powerUserCurve(asOf: $asOf, windowDays: $windowDays) { windowDays buckets { activeDays users } }
}`;

export interface Bucket {
  activeDays: number;
  users: number;
}

export interface PowerCurve {
  windowDays: number;
  buckets: Bucket[];
}
