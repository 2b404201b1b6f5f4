// Replaces @0no-co/graphql.web in the bundle (aliased in widgets/build.ts): a full GraphQL parser
// and printer cost ~3 KiB gzipped, and urql needs neither for our documents. urql only asks a
// parsed document for its operation kind and name and sends `loc.source.body` as the query
// (see stringifyDocument / getOperationType in @urql/core); the server does the real parsing.
// Every document the elements send is a single named operation written in this repository.

export const Kind = {
  DOCUMENT: "Document",
  OPERATION_DEFINITION: "OperationDefinition",
  FRAGMENT_DEFINITION: "FragmentDefinition",
  SELECTION_SET: "SelectionSet",
  FIELD: "Field",
  NAME: "Name",
  INLINE_FRAGMENT: "InlineFragment",
  FRAGMENT_SPREAD: "FragmentSpread",
} as const;

export class GraphQLError extends Error {
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
  originalError?: unknown;
  constructor(
    message: string,
    _nodes?: unknown,
    _source?: unknown,
    _positions?: unknown,
    path?: readonly (string | number)[],
    originalError?: unknown,
    extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "GraphQLError";
    this.path = path;
    this.originalError = originalError;
    this.extensions = extensions ?? {};
  }
  toJSON() {
    return { message: this.message, path: this.path, extensions: this.extensions };
  }
}

/** Reads the first operation's kind and name; the body is kept verbatim for the server. */
export function parse(source: string | { body: string }) {
  const body = typeof source === "string" ? source : source.body;
  const head = /^\s*(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/.exec(body);
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: head ? head[1] : "query",
        name: head?.[2] ? { kind: Kind.NAME, value: head[2] } : undefined,
        variableDefinitions: [],
        directives: [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [] },
      },
    ],
    loc: { start: 0, end: body.length, source: { body, name: "GraphQL request", locationOffset: { line: 1, column: 1 } } },
  };
}

export function print(node: { loc?: { source: { body: string } } }): string {
  if (!node.loc) throw new Error("graphql-lite prints only documents it parsed");
  return node.loc.source.body;
}
