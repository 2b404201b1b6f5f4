// The GraphQL application (no HTTP server here): tests call `yoga.fetch` directly.
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { schema } from "./schema/index.ts";
import { createContext, type Context, type Services } from "./context.ts";
import { exampleOperations } from "./graphiql-examples.ts";
import { securityPlugins, maskErrorKeepingOriginal, type SecurityOptions } from "./security/index.ts";
import { requestState } from "./security/request-state.ts";
import { boardCachePlugin } from "./cache/board-cache.ts";

export type App = YogaServerInstance<{ remoteAddress?: string }, Context>;

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function createApp(services: Services, options: SecurityOptions = {}): App {
  const { config } = services;
  const security = securityPlugins(services, options);
  return createYoga<{ remoteAddress?: string }, Context>({
    schema,
    // The board cache after the security plugins: it answers only requests they let through.
    plugins: [...security.plugins, boardCachePlugin(services, schema)],
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // One operation per request: a JSON array body is refused (400), so cost limits and rate
    // limits count every operation.
    batching: false,
    context: ({ request }) => createContext(services, request, requestState(request)),
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !config.allowedOrigins.includes(origin)) return false;
      return {
        origin: [origin],
        credentials: false,
        methods: ["GET", "POST", "OPTIONS"],
        allowedHeaders: ["authorization", "content-type", "accept", "x-request-id"],
        // Widgets may show the request id of a failure and honour Retry-After.
        exposedHeaders: ["x-request-id", "retry-after"],
        maxAge: 600,
      };
    },
    graphiql: (_request, server) => ({
      title: "Power-user platform",
      defaultQuery: exampleOperations,
      shouldPersistHeaders: true,
      // Convenience for a newcomer on their own machine; never in production or over the network.
      headers:
        !config.production && server?.remoteAddress && LOOPBACK.test(server.remoteAddress)
          ? JSON.stringify({ Authorization: `Bearer ${config.adminSecret}` })
          : JSON.stringify({ Authorization: "Bearer <ADMIN_SECRET>" }),
    }),
    // Unexpected errors: generic message plus request id in production, details in the log line
    // (api/security/logging.ts); development shows the original error too.
    maskedErrors: { isDev: !config.production, maskError: maskErrorKeepingOriginal },
    logging: config.production ? "info" : "warn",
  });
}
