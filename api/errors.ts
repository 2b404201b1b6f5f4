// Expected failures. Each class becomes a GraphQL object type implementing `Error`
// (see schema/errors.ts), so mutations return them as typed members of their result union.

export interface FieldIssue {
  field: string;
  message: string;
}

export class DomainError extends Error {
  code = "DOMAIN_ERROR";
}

export class ValidationError extends DomainError {
  code = "VALIDATION";
  readonly field: string;
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[] | string, field?: string) {
    const list = typeof issues === "string" ? [{ field: field ?? "input", message: issues }] : issues;
    super(list.map((i) => `${i.field}: ${i.message}`).join("; "));
    this.issues = list;
    this.field = list[0]?.field ?? "input";
  }
}

export class NotFoundError extends DomainError {
  code = "NOT_FOUND";
  constructor(
    readonly resource: string,
    readonly key: string,
  ) {
    super(`${resource} ${JSON.stringify(key)} was not found`);
  }
}

export class ConflictError extends DomainError {
  code = "CONFLICT";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The caller is known but may not do this (a member acting on someone else's object). */
export class ForbiddenError extends DomainError {
  code = "FORBIDDEN";
}
