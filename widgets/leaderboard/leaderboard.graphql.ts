const ENTRY = `rank points user { externalId displayName isAnonymous }`;
const BOARD = `totalCount edges { node { ${ENTRY} } } myPosition { ${ENTRY} }`;

export const LEADERBOARD_QUERY = /* GraphQL */ `query PuLeaderboard($program: String, $team: String, $period: LeaderboardPeriod, $first: Int) {
  leaderboard(program: $program, team: $team, period: $period, first: $first) { ${BOARD} }
}`;

export const LEADERBOARD_SUBSCRIPTION = /* GraphQL */ `subscription PuLeaderboardLive($program: String, $team: String, $period: LeaderboardPeriod, $first: Int) {
  leaderboardChanged(program: $program, team: $team, period: $period, first: $first) { ${ENTRY} }
}`;

export interface LeaderboardEntryData {
  rank: number;
  points: number;
  user: { externalId: string; displayName: string; isAnonymous: boolean };
}

export interface Board {
  totalCount: number;
  edges: { node: LeaderboardEntryData }[];
  myPosition: LeaderboardEntryData | null;
}
