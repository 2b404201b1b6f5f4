// Leaderboards: top people by points over a period, for the workspace, a program or a team.
import { z } from "zod";
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { builder, MAX_PAGE_SIZE } from "../builder.ts";
import { leaderboardPage, leaderboardPosition, type LeaderboardRow, type LeaderboardQuery } from "../domain/leaderboard.ts";
import { getSetting } from "../domain/settings.ts";
import { UserRef } from "./users.ts";
import type { Context } from "../context.ts";

export const LeaderboardPeriod = builder.enumType("LeaderboardPeriod", {
  description: "Calendar periods in UTC; weeks start on Monday.",
  values: ["WEEK", "MONTH", "QUARTER", "YEAR", "ALL_TIME"] as const,
});

export const LeaderboardEntry = builder.objectRef<LeaderboardRow>("LeaderboardEntry").implement({
  authScopes: { public: true },
  description: "One place on a board. Opted-out people keep their place; their user shows as an anonymous member.",
  fields: (t) => ({
    rank: t.exposeInt("rank", { description: "Ties share a rank: 1, 2, 2, 4." }),
    points: t.exposeInt("points"),
    lastEarnedAt: t.expose("lastEarnedAt", { type: "DateTime", description: "When the total was reached; breaks ties." }),
    user: t.field({
      type: UserRef,
      resolve: async (row, _args, ctx) => (await ctx.loaders.userById.load(row.userId))!,
    }),
  }),
});

/** Who may read a board: public programs and the workspace board are open unless set members-only. */
export async function canReadBoard(ctx: Context, programId: string | null | undefined) {
  const { kind } = ctx.caller;
  if (kind === "admin" || (kind === "integrator" && ctx.caller.scopes.has("read"))) return true;
  if (!programId) return kind === "member" || !(await getSetting(ctx.db, "leaderboard.membersOnly"));
  const program = await ctx.db.program.findUnique({ where: { id: programId }, select: { visibility: true } });
  if (!program) return true; // an unknown program shows an empty board; nothing to protect
  if (program.visibility === "PUBLIC") return true;
  if (program.visibility === "MEMBERS") return kind === "member";
  return false;
}

/** The board's program from `programId` or `program` (slug); an unknown slug matches no program. */
export async function boardProgramId(ctx: Context, args: { programId?: { id: string } | null; program?: string | null }) {
  if (args.programId) return args.programId.id;
  if (!args.program) return null;
  const program = await ctx.db.program.findUnique({ where: { slug: args.program }, select: { id: true } });
  return program?.id ?? `unknown:${args.program}`;
}

builder.queryField("leaderboard", (t) =>
  t.connection(
    {
      type: LeaderboardEntry,
      description: "Top people by points. Without `programId` and `team` the board covers the whole workspace.",
      skipTypeScopes: true,
      authScopes: async (_root, args, ctx) => canReadBoard(ctx, await boardProgramId(ctx, args)),
      args: {
        programId: t.arg.globalID({ required: false }),
        program: t.arg.string({ required: false, description: "The program's slug, as an alternative to programId.", validate: z.string().max(100) }),
        team: t.arg.string({ required: false, validate: z.string().max(100) }),
        period: t.arg({ type: LeaderboardPeriod, required: false, defaultValue: "ALL_TIME" }),
      },
      resolve: async (_root, args, ctx) => {
        const board = {
          programId: await boardProgramId(ctx, args),
          team: args.team ?? null,
          period: args.period ?? "ALL_TIME",
        };
        let totalCount = 0;
        const connection = await resolveOffsetConnection({ args, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, async ({ offset, limit }) => {
          const page = await leaderboardPage(ctx.db, ctx.dialect, { ...board, offset, limit });
          totalCount = page.totalCount;
          return page.rows;
        });
        return { ...connection, totalCount, board };
      },
    },
    {
      name: "LeaderboardConnection",
      fields: (c) => ({
        totalCount: c.int({ resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount }),
        myPosition: c.field({
          type: LeaderboardEntry,
          nullable: true,
          description: "The signed-in member's own place on this board (null without points or without a member token).",
          resolve: async (conn, _args, ctx) => {
            if (ctx.caller.kind !== "member") return null;
            const me = await ctx.loaders.userByExternalId.load(ctx.caller.externalId);
            if (!me) return null;
            const board = (conn as unknown as { board: Omit<LeaderboardQuery, "offset" | "limit"> }).board;
            return leaderboardPosition(ctx.db, ctx.dialect, board, me.id);
          },
        }),
      }),
    },
  ),
);
