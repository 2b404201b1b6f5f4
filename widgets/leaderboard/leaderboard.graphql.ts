const BOARD = `totalCount edges { node { rank points user { externalId displayName isAnonymous } } }
  myPosition { rank points user { externalId displayName isAnonymous } }`;

export const LEADERBOARD_QUERY = /* GraphQL */ `query PuLeaderboard($program: String, $team: String, $period: LeaderboardPeriod, $first: Int) {
  leaderboard(program: $program, team: $team, period: $period, first: $first) { ${BOARD} }
}`;

export const LEADERBOARD_SUBSCRIPTION = /* GraphQL */ `subscription PuLeaderboardLive($program: String, $team: String, $period: LeaderboardPeriod, $first: Int) {
  leaderboardChanged(program: $program, team: $team, period: $period, first: $first) { ${BOARD} }
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
