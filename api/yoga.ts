// The GraphQL application (no HTTP server here): tests call `yoga.fetch` directly.
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { schema } from "./schema/index.ts";
import { createContext, type Context, type Services } from "./context.ts";
import { exampleOperations } from "./graphiql-examples.ts";

export type App = YogaServerInstance<{ remoteAddress?: string }, Context>;

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function createApp(services: Services): App {
  const { config } = services;
  return createYoga<{ remoteAddress?: string }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    batching: false,
    context: ({ request }) => createContext(services, request),
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !config.allowedOrigins.includes(origin)) return false;
      return {
        origin: [origin],
        credentials: false,
        methods: ["GET", "POST", "OPTIONS"],
        allowedHeaders: ["authorization", "content-type", "accept", "x-request-id"],
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
    maskedErrors: { isDev: !config.production },
    logging: config.production ? "info" : "warn",
  });
}
