// A nested widget query (members with tier, title, badges and latest contributions): SQL statements
// per request at three page sizes (must stay flat), and time against plain graphql-js executing the
// same document over the same data held in memory (the cost of everything but the database).
import { buildSchema, execute, parse } from "graphql";
import { compareTimes, type Comparison } from "./harness.ts";
import { countStatements } from "../tests/helpers/statements.ts";
import { openBench, tempSqliteUrl } from "./setup.ts";
import { seedDemo } from "../api/demo/seed.ts";

const query = (first: number) => /* GraphQL */ `{
  program(slug: "insiders") {
    members(first: ${first}) {
      edges { node { tier { name } user { displayName title badges { badge { name } } recentContributions(first: 3) { title points } } } }
    }
  }
}`;

const memorySchema = buildSchema(/* GraphQL */ `
  type Query { program(slug: String): Program }
  type Program { members(first: Int): Conn }
  type Conn { edges: [Edge] }
  type Edge { node: Membership }
  type Membership { tier: Tier, user: User }
  type Tier { name: String }
  type User { displayName: String, title: String, badges: [Award], recentContributions(first: Int): [Contribution] }
  type Award { badge: Badge }
  type Badge { name: String }
  type Contribution { title: String, points: Int }
`);

export async function runNested(sizes: number[], rounds: number): Promise<Comparison[]> {
  const bench = await openBench(tempSqliteUrl("nested"));
  const counter = countStatements();
  try {
    await seedDemo(bench.database.db, { users: 300 });
    const out: Comparison[] = [];
    const statements: number[] = [];
    for (const first of sizes) {
      const document = query(first);
      await bench.gql(document);
      counter.reset();
      const data = await bench.gql(document);
      statements.push(counter.read());
      const members = data.program.members.edges.length;
      const parsed = parse(document);
      out.push(
        await compareTimes(
          {
            benchmark: "nested widget query (SQLite, demo data)",
            size: `${members} members`,
            product: "our API (yoga, Pothos, Prisma)",
            baseline: "graphql-js over the same data in memory",
            note: `${counter.read()} SQL statements per request`,
          },
          rounds,
          () => bench.gql(document),
          () => execute({ schema: memorySchema, document: parsed, rootValue: data }),
        ),
      );
    }
    out.push({
      benchmark: "nested widget query: SQL statements per request",
      size: sizes.map((s) => `${s}`).join(" / ") + " members asked",
      product: "statements at the largest page",
      baseline: "statements at the smallest page",
      productMedian: statements.at(-1)!,
      baselineMedian: statements[0]!,
      ratio: statements.at(-1)! / statements[0]!,
      unit: "statements",
      note: `per size: ${statements.join(" / ")} (flat = no N+1)`,
    });
    return out;
  } finally {
    counter.restore();
    await bench.close();
  }
}
