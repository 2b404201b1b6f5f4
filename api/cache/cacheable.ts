// Which operations the board response cache may answer: queries that read nothing but
// leaderboards, field by field. A field outside this list (a person's usage, badges, email...)
// makes the whole operation uncacheable, so the cache never holds data whose changes it is not
// told about (api/domain/board-changes.ts lists what moves a board).
import { Kind, getNamedType, isObjectType, parse, type DocumentNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLSchema, type SelectionSetNode } from "graphql";

const CACHEABLE_FIELDS: Record<string, ReadonlySet<string>> = {
  Query: new Set(["leaderboard"]),
  LeaderboardConnection: new Set(["edges", "pageInfo", "totalCount", "myPosition"]),
  LeaderboardConnectionEdge: new Set(["node", "cursor"]),
  PageInfo: new Set(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]),
  LeaderboardEntry: new Set(["rank", "points", "lastEarnedAt", "user"]),
  // What a board shows of a person; `title` comes from badges, whose awards move the board too.
  User: new Set(["id", "externalId", "displayName", "isAnonymous", "title"]),
};

/** Conditional directives only: anything else (@defer, a custom one) is not worth reasoning about. */
const ALLOWED_DIRECTIVES = new Set(["include", "skip"]);

const MAX_REMEMBERED = 500;

export function cacheableOperations(schema: GraphQLSchema) {
  const decisions = new Map<string, boolean>();
  return function isCacheable(query: string, operationName: string | null | undefined): boolean {
    const key = `${operationName ?? ""}\n${query}`;
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = decide(schema, query, operationName ?? undefined);
      // Documents come from clients: remember a bounded number of them.
      if (decisions.size >= MAX_REMEMBERED) decisions.clear();
      decisions.set(key, decision);
    }
    return decision;
  };
}

function decide(schema: GraphQLSchema, query: string, operationName: string | undefined): boolean {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return false; // yoga reports the syntax error
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== "query" || operation.directives?.length) return false;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const queryType = schema.getQueryType();
  return !!queryType && readsOnlyBoards(queryType, operation.selectionSet, fragments, new Set());
}

function readsOnlyBoards(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  spreading: Set<string>,
): boolean {
  return selectionSet.selections.every((selection) => {
    if (selection.directives?.some((d) => !ALLOWED_DIRECTIVES.has(d.name.value))) return false;
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === "__typename") return true;
      if (!CACHEABLE_FIELDS[type.name]?.has(name)) return false;
      const field = type.getFields()[name];
      if (!field) return false;
      if (!selection.selectionSet) return true;
      const named = getNamedType(field.type);
      return isObjectType(named) && readsOnlyBoards(named, selection.selectionSet, fragments, spreading);
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selection.typeCondition && selection.typeCondition.name.value !== type.name) return false;
      return readsOnlyBoards(type, selection.selectionSet, fragments, spreading);
    }
    const fragment = fragments[selection.name.value];
    // A cycle or an unknown fragment is for validation to report, not for the cache to answer.
    if (!fragment || fragment.typeCondition.name.value !== type.name || spreading.has(fragment.name.value)) return false;
    if (fragment.directives?.some((d) => !ALLOWED_DIRECTIVES.has(d.name.value))) return false;
    spreading.add(fragment.name.value);
    const ok = readsOnlyBoards(type, fragment.selectionSet, fragments, spreading);
    spreading.delete(fragment.name.value);
    return ok;
  });
}
