// The `Error` interface and one object type per expected failure (api/errors.ts).
import { builder } from "../builder.ts";
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from "../errors.ts";

export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  authScopes: { public: true },
  fields: (t) => ({
    message: t.exposeString("message"),
  }),
});

const FieldIssueRef = builder.objectRef<FieldIssue>("FieldIssue").implement({
  authScopes: { public: true },
  description: "One problem with one input field; `field` is a dotted path such as `input.email`.",
  fields: (t) => ({
    field: t.exposeString("field"),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  description: "The input was refused; nothing was written. `field` names the first bad field, `issues` all of them.",
  fields: (t) => ({
    field: t.exposeString("field"),
    issues: t.field({ type: [FieldIssueRef], resolve: (e) => e.issues }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: (t) => ({
    resource: t.exposeString("resource"),
    key: t.exposeString("key"),
  }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString("field", { nullable: true }),
  }),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  authScopes: { public: true },
  interfaces: [ErrorInterface],
  fields: () => ({}),
});
