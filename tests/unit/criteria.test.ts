import { describe, expect, it } from "vitest";
import { parseCriteria, MAX_DEPTH } from "../../api/domain/criteria/index.ts";
import { ValidationError } from "../../api/errors.ts";

function issueOf(json: unknown) {
  try {
    parseCriteria(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues;
  }
  throw new Error("expected a ValidationError");
}

describe("criteria parsing", () => {
  it("accepts nested all/any groups and fills default windows and operators", () => {
    const parsed = parseCriteria({ all: [{ metric: "ACTIVE_DAYS", value: 20 }, { any: [{ metric: "POINTS", op: "GT", value: 10 }, { metric: "ATTRIBUTE_IN", attribute: "region", values: ["EMEA", 3, true] }] }] });
    expect(parsed).toEqual({
      all: [
        { metric: "ACTIVE_DAYS", windowDays: 30, op: "GTE", value: 20 },
        { any: [{ metric: "POINTS", windowDays: null, op: "GT", value: 10 }, { metric: "ATTRIBUTE_IN", windowDays: null, op: "EQ", attribute: "region", values: ["EMEA", "3", "true"] }] },
      ],
    });
  });

  it("treats null as no criteria", () => {
    expect(parseCriteria(null)).toBeNull();
  });

  it("names an unknown metric by its path", () => {
    expect(issueOf({ all: [{ metric: "ACTIVE_DAYS", value: 1 }, { metric: "KARMA", value: 1 }] })[0]).toMatchObject({ field: "criteria.all.1.metric" });
  });

  it("refuses windows of 0 and 366 days and a window on a metric without one", () => {
    expect(issueOf({ metric: "ACTIVE_DAYS", windowDays: 0, value: 1 })[0]!.field).toBe("criteria.windowDays");
    expect(issueOf({ metric: "ACTIVE_DAYS", windowDays: 366, value: 1 })[0]!.field).toBe("criteria.windowDays");
    expect(issueOf({ metric: "TENURE_DAYS", windowDays: 30, value: 1 })[0]!.field).toBe("criteria.windowDays");
    expect(parseCriteria({ metric: "SESSIONS", windowDays: 365, value: 1 })).toMatchObject({ windowDays: 365 });
    expect(parseCriteria({ metric: "SESSIONS", windowDays: 1, value: 1 })).toMatchObject({ windowDays: 1 });
  });

  it("refuses thresholds of the wrong type", () => {
    expect(issueOf({ metric: "ACTIVE_DAYS", value: "twenty" })[0]!.field).toBe("criteria.value");
    expect(issueOf({ metric: "ACTIVE_DAYS", value: 2.5 })[0]!.field).toBe("criteria.value");
    expect(issueOf({ metric: "ACTIVE_DAYS", value: -1 })[0]!.field).toBe("criteria.value");
    expect(issueOf({ metric: "ACTIVE_DAYS" })[0]!.field).toBe("criteria.value");
    expect(issueOf({ metric: "ATTRIBUTE_EQUALS", attribute: "role", value: { a: 1 } })[0]!.field).toBe("criteria.value");
    expect(issueOf({ metric: "MEMBER_OF_PROGRAM", programSlug: "x", value: 1 })[0]!.field).toBe("criteria.value");
    expect(issueOf({ metric: "ATTRIBUTE_IN", attribute: "role", values: [] })[0]!.field).toBe("criteria.values");
  });

  it("refuses unknown operators, kinds and fields that do not apply", () => {
    expect(issueOf({ metric: "ACTIVE_DAYS", op: "NE", value: 1 })[0]!.field).toBe("criteria.op");
    expect(issueOf({ metric: "CONTRIBUTIONS", kind: "TWEET", value: 1 })[0]!.field).toBe("criteria.kind");
    expect(issueOf({ metric: "ACTIVE_DAYS", kind: "ANSWER", value: 1 })[0]!.field).toBe("criteria.kind");
    expect(issueOf({ metric: "ATTRIBUTE_EQUALS", attribute: "role", op: "GT", value: "x" })[0]!.field).toBe("criteria.op");
    expect(issueOf({ metric: "ACTIVE_DAYS", value: 1, colour: "red" })[0]!.field).toBe("criteria.colour");
  });

  it(`refuses groups nested deeper than ${MAX_DEPTH} levels`, () => {
    let tree: unknown = { metric: "ACTIVE_DAYS", value: 1 };
    for (let i = 0; i < MAX_DEPTH; i++) tree = { all: [tree] };
    expect(() => parseCriteria(tree)).not.toThrow();
    const issues = issueOf({ any: [tree] });
    expect(issues[0]!.message).toMatch(/too deep/);
  });

  it("refuses empty groups and mixed group keys", () => {
    expect(issueOf({ all: [] })[0]!.field).toBe("criteria.all");
    expect(issueOf({ all: [{ metric: "ACTIVE_DAYS", value: 1 }], any: [] })[0]!.field).toBe("criteria");
    expect(issueOf([1])[0]!.field).toBe("criteria");
  });
});
