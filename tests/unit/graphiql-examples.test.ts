import { describe, expect, it } from "vitest";
import { parse, validate } from "graphql";
import { exampleOperations } from "../../api/graphiql-examples.ts";
import { schema } from "../../api/schema/index.ts";

describe("GraphiQL example operations", () => {
  it("parse and validate against the schema, each with a unique name", () => {
    const document = parse(exampleOperations);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    const names = document.definitions.map((d) => ("name" in d ? d.name?.value : undefined));
    expect(new Set(names).size).toBe(names.length);
  });
});
