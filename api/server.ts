// The HTTP server: GraphQL, the widget bundle, the example pages and a health check.
// Start-up migrates the database and, on the embedded default, loads the demo workspace.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import sirv from "sirv";
import { loadConfig, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db.ts";
import { migrate } from "./migrate.ts";
import { createApp } from "./yoga.ts";
import type { Services } from "./context.ts";
import { createAppPubSub } from "./pubsub.ts";
import { startJobs } from "./jobs.ts";
import { seedDemoIfFresh } from "./demo/seed.ts";
import type { LogSink } from "./security/logging.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface RunningServer {
  url: string;
  services: Services;
  app: ReturnType<typeof createApp>;
  config: Config;
  close(): Promise<void>;
}

export interface StartOptions {
  quiet?: boolean;
  /** An open, migrated database (tests); otherwise DATABASE_URL is migrated and opened. */
  database?: Database;
  /** Run background jobs on their intervals (default true). */
  jobs?: boolean;
  /** Collects request log lines (tests); otherwise LOG_REQUESTS decides. */
  logSink?: LogSink;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const ownsDatabase = !options.database;
  if (ownsDatabase) await migrate(config.databaseUrl);
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  if (config.embeddedDefault) {
    const seeded = await seedDemoIfFresh(database.db);
    if (seeded) log(`Loaded the demo workspace (${seeded.users} users). It lives only in the default database.`);
  }
  const services = { db: database.db, dialect: database.dialect, config, pubsub: createAppPubSub() };
  const app = createApp(services, { logSink: options.logSink });
  // Tests drive jobs by hand (runJob) so their timing is deterministic.
  const stopJobs = options.jobs === false ? async () => {} : startJobs(services);

  const widgets = sirv(join(root, "dist", "widgets"), {
    dev: !config.production,
    // The bundle is public code: any page may load it (module scripts are fetched with CORS).
    setHeaders: (res) => res.setHeader("Access-Control-Allow-Origin", "*"),
  });
  // The examples folder is optional (a production image may leave it out).
  const hasExamples = existsSync(join(root, "examples"));
  const examples = hasExamples
    ? sirv(join(root, "examples"), { dev: !config.production, extensions: ["html"] })
    : (_req: IncomingMessage, _res: ServerResponse, next: () => void) => next();
  // The examples' host backend (signs demo member tokens): never in production.
  const host = config.production || !hasExamples ? null : await exampleHost(services);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/graphql" || path.startsWith("/graphql/")) {
      return app(req, res, { remoteAddress: req.socket.remoteAddress });
    }
    if (path === "/healthz") {
      database.db
        .$queryRawUnsafe("SELECT 1")
        .then(() => send(res, 200, { status: "ok", database: database.dialect }))
        .catch(() => send(res, 503, { status: "unavailable" }));
      return;
    }
    if (path.startsWith("/widgets/")) {
      req.url = req.url!.slice("/widgets".length);
      return widgets(req, res, () => send(res, 404, { error: "not found" }));
    }
    if (path === "/examples") return redirect(res, "/examples/");
    if (path.startsWith("/examples/host/") && host) {
      host(req, res).then(
        (handled) => handled || send(res, 404, { error: "not found" }),
        () => send(res, 500, { error: "host route failed" }),
      );
      return;
    }
    if (path.startsWith("/examples/")) {
      req.url = req.url!.slice("/examples".length);
      return examples(req, res, () => send(res, 404, { error: "not found" }));
    }
    if (path === "/") return redirect(res, "/examples/");
    send(res, 404, { error: "not found" });
  });

  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const { port } = server.address() as { port: number };
  const url = `http://localhost:${port}`;
  log(`Power-user platform on ${url}  (GraphiQL ${url}/graphql, examples ${url}/examples/, ${database.dialect})`);
  for (const name of config.generatedSecrets) {
    const where = config.devSecretsFile ? `kept in ${config.devSecretsFile}` : "for this run";
    log(`${name} was not set; generated (${where}): ${name === "ADMIN_SECRET" ? config.adminSecret : config.identitySecret}`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    services,
    app,
    config,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await stopJobs();
        await app.dispose();
        if (ownsDatabase) await database.close();
      })()),
  };
}

/** Development only: the example pages' host backend, with a `metrics:read` key made on first use. */
async function exampleHost(services: Services) {
  const { hostRoutes } = await import("../examples/host/routes.ts");
  const { createApiKey } = await import("./domain/api-keys.ts");
  let key: Promise<string> | undefined;
  return hostRoutes({
    identitySecret: services.config.identitySecret,
    metricsKey: () =>
      (key ??= createApiKey(services.db, { kind: "admin", actor: "examples-host" }, "examples", "Example dashboard (development only)", ["metrics:read"]).then(
        (created) => created.secret,
      )),
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { location });
  res.end();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const running = await startServer(loadConfig()).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    console.log(`${signal}: finishing requests in flight, then closing.`);
    running.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}
