// Root types. Their type-level scope is admin-only, so a root field that forgets to
// declare its own scope is denied to everyone else (default deny).
import { builder } from "../builder.ts";

builder.queryType({ authScopes: { admin: true } });
builder.mutationType({ authScopes: { admin: true } });

builder.queryField("health", (t) =>
  t.string({
    description: "Always `ok`; lets a widget or probe check that the API answers.",
    skipTypeScopes: true,
    authScopes: { public: true },
    resolve: () => "ok",
  }),
);

builder.subscriptionType({ authScopes: { admin: true } });
