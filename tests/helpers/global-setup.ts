// Once per test run and database: a migrated template that each test file copies,
// so every file starts from an empty, fully migrated database in milliseconds.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres, createDatabase, type PostgresServer } from "./postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    database: { kind: "sqlite"; templatePath: string } | { kind: "postgres"; adminUrl: string; template: string };
  }
}

function migrate(databaseUrl: string) {
  execFileSync(join(process.cwd(), "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "pipe",
  });
}

export default async function setup(project: TestProject) {
  const kind = project.config.env?.TEST_DB === "postgres" ? "postgres" : "sqlite";
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "pu-test-"));
    const templatePath = join(dir, "template.db");
    migrate(`file:${templatePath}`);
    project.provide("database", { kind, templatePath });
    return () => rmSync(dir, { recursive: true, force: true });
  }
  const server: PostgresServer = await startPostgres();
  const template = `pu_template_${process.pid}`;
  migrate(await createDatabase(server, template));
  project.provide("database", { kind, adminUrl: server.adminUrl, template });
  return () => server.stop();
}
