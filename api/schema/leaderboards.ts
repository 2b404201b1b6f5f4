// Leaderboards: top people by points over a period, for the workspace, a program or a team.
import { isReader } from "../domain/users.ts";
import { z } from "zod";
import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionNode } from "graphql";
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { queryFromInfo } from "@pothos/plugin-prisma";
import { builder, MAX_PAGE_SIZE } from "../builder.ts";
import { leaderboardCount, leaderboardPage, leaderboardPosition, type LeaderboardRow, type LeaderboardQuery } from "../domain/leaderboard.ts";
import { getSetting } from "../domain/settings.ts";
import { UserRef } from "./users.ts";
import { coalescedRefresh } from "./live.ts";
import type { Context } from "../context.ts";
import { WORKSPACE_SCOPE } from "../domain/points.ts";

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
    // The board's statement already read the person's row (every scalar column). On a page the
    // board's resolver planned the people's selection once for all rows (see `planPeople`); a row
    // from anywhere else (myPosition, the live board) is planned here, as a prismaField would.
    user: t.field({
      type: UserRef,
      // Not async: on a page every row answers at once, and 50 promises cost the executor more
      // than the rows themselves.
      resolve: (row, _args, ctx, info) => {
        if (row.user && row.planned) return row.user;
        return (async () => {
          const query = await queryFromInfo({ context: ctx, info, awaitSelections: true });
          return row.user && scalarOnly(query) ? row.user : ctx.db.user.findUniqueOrThrow({ ...query, where: { id: row.userId } });
        })();
      },
    }),
  }),
});

/** A plugin-prisma query that needs nothing beyond the row's scalar columns. */
function scalarOnly(query: { include?: object; select?: object }) {
  if (query.select) return false;
  return !query.include || Object.keys(query.include).length === 0;
}

/**
 * The page's people planned once for the whole list: plugin-prisma records the User selection
 * under `edges.node.user`, so every row's User fields answer from the row. A prismaField would
 * plan the same selection again for each of the 50 rows (a fifth of an uncached request). When
 * the selection asks for relations (badges, manager...), the page's people are loaded with them
 * in one query.
 */
async function planPeople(ctx: Context, info: GraphQLResolveInfo, rows: LeaderboardRow[], path = ["edges", "node", "user"]): Promise<LeaderboardRow[]> {
  if (rows.length === 0) return rows;
  const query = await queryFromInfo({ context: ctx, info, typeName: "User", paths: [path], awaitSelections: true });
  if (scalarOnly(query)) return rows.map((row) => ({ ...row, planned: true }));
  const people = await ctx.db.user.findMany({ ...query, where: { id: { in: rows.map((r) => r.userId) } } });
  const byId = new Map(people.map((p) => [p.id, p]));
  return rows.map((row) => {
    const person = byId.get(row.userId);
    return person ? { ...row, user: person, planned: true } : row;
  });
}

/** Connection fields answered without the page's rows. */
const BOARD_ONLY_FIELDS = new Set(["myPosition", "totalCount", "__typename"]);

/** Does the selection of these field nodes name any field outside `allowed` (through fragments too)? */
function asksForMoreThan(
  nodes: readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  allowed: ReadonlySet<string>,
): boolean {
  const visit = (selections: readonly SelectionNode[], seen: Set<string>): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return !allowed.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections, seen);
      const name = selection.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      const fragment = fragments[name];
      return fragment ? visit(fragment.selectionSet.selections, seen) : true;
    });
  return nodes.some((node) => !node.selectionSet || visit(node.selectionSet.selections, new Set()));
}

/** Who may read a board: public programs and the workspace board are open unless set members-only. */
export async function canReadBoard(ctx: Context, programId: string | null | undefined) {
  const { kind } = ctx.caller;
  if (isReader(ctx.caller)) return true;
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
      resolve: async (_root, args, ctx, info) => {
        const board = {
          programId: await boardProgramId(ctx, args),
          team: args.team ?? null,
          period: args.period ?? "ALL_TIME",
        };
        // A widget asking only for `myPosition` (or `totalCount`) does not pay for a page it never shows.
        const needsPage = asksForMoreThan(info.fieldNodes, info.fragments, BOARD_ONLY_FIELDS);
        const connection = await resolveOffsetConnection({ args, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, async ({ offset, limit }) => {
          if (!needsPage) return [];
          const page = await leaderboardPage(ctx.db, ctx.dialect, { ...board, offset, limit });
          return planPeople(ctx, info, page.rows);
        });
        return { ...connection, board };
      },
    },
    {
      name: "LeaderboardConnection",
      fields: (c) => ({
        totalCount: c.int({
          description: "People on this board; counted only when asked for (it costs a pass over the board).",
          resolve: (conn, _args, ctx) =>
            leaderboardCount(ctx.db, ctx.dialect, (conn as unknown as { board: Omit<LeaderboardQuery, "offset" | "limit"> }).board),
        }),
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

builder.subscriptionField("leaderboardChanged", (t) =>
  t.field({
    type: [LeaderboardEntry],
    description:
      "The board's top entries now, then again whenever points change in its scope (server-sent events: POST or GET /graphql with `Accept: text/event-stream`).",
    skipTypeScopes: true,
    authScopes: async (_root, args, ctx) => canReadBoard(ctx, await boardProgramId(ctx, args)),
    args: {
      programId: t.arg.globalID({ required: false }),
      program: t.arg.string({ required: false, validate: z.string().max(100) }),
      team: t.arg.string({ required: false, validate: z.string().max(100) }),
      period: t.arg({ type: LeaderboardPeriod, required: false, defaultValue: "ALL_TIME" }),
      first: t.arg.int({ required: false, defaultValue: 10, validate: z.number().int().min(1).max(MAX_PAGE_SIZE) }),
    },
    // Team boards live in the workspace scope: any workspace change may move them.
    subscribe: (_root, args, ctx) =>
      coalescedRefresh(async () => {
        const scope = (await boardProgramId(ctx, args)) ?? WORKSPACE_SCOPE;
        return { value: { scope }, changes: ctx.pubsub.subscribe("leaderboard.changed"), relevant: (change) => change.scope === scope };
      }),
    // The scope pushed was resolved once at subscribe time; each push plans the people once, not per row.
    resolve: async (change, args, ctx, info) => {
      const page = await leaderboardPage(ctx.db, ctx.dialect, {
        programId: change.scope === WORKSPACE_SCOPE ? null : change.scope,
        team: args.team ?? null,
        period: args.period ?? "ALL_TIME",
        offset: 0,
        limit: Math.min(args.first ?? 10, MAX_PAGE_SIZE),
      });
      return planPeople(ctx, info, page.rows, ["user"]);
    },
  }),
);
