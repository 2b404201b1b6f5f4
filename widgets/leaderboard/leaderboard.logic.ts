// What the board shows, apart from rendering: own row, own position below the cut.
import type { Board, LeaderboardEntryData } from "./leaderboard.graphql.ts";

export const PERIODS = { week: "WEEK", month: "MONTH", quarter: "QUARTER", year: "YEAR", all: "ALL_TIME" } as const;
export type PeriodAttribute = keyof typeof PERIODS;

export function boardVariables(program?: string, team?: string, period?: string, limit?: number) {
  return {
    program: program || null,
    team: team || null,
    period: PERIODS[period as PeriodAttribute] ?? "ALL_TIME",
    first: Math.max(1, Math.min(100, Math.floor(Number(limit)) || 10)),
  };
}

/** The board after a push: the subscription sends the top entries; the member's own place stays as last loaded. */
export function withPushedEntries(board: Board | undefined, entries: LeaderboardEntryData[]): Board {
  return { totalCount: board?.totalCount ?? entries.length, myPosition: board?.myPosition ?? null, edges: entries.map((node) => ({ node })) };
}

export interface BoardRow {
  entry: LeaderboardEntryData;
  isMe: boolean;
}

/** The rows to show, and the member's own row when it falls below the cut. */
export function boardRows(board: Board): { rows: BoardRow[]; below: LeaderboardEntryData | null } {
  const me = board.myPosition?.user.externalId;
  const rows = board.edges.map(({ node }) => ({ entry: node, isMe: !!me && node.user.externalId === me }));
  return { rows, below: board.myPosition && !rows.some((r) => r.isMe) ? board.myPosition : null };
}

/** Delay before reconnect attempt n (0-based): 1 s, 2 s, 4 s ... capped at 30 s, with jitter. */
export function reconnectDelay(attempt: number, random = Math.random) {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.75 + random() * 0.5));
}
