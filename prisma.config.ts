// Prisma CLI configuration. The Rust-free engine and driver adapters keep the CLI
// offline; the schema and adapter follow DATABASE_URL (file: => SQLite, postgres:// => PostgreSQL).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL ?? "file:./data/pu.db";
const isPostgres = /^postgres(ql)?:\/\//.test(url);
process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", isPostgres ? "postgres" : "sqlite", "schema.prisma"),
  async adapter() {
    if (isPostgres) return new PrismaPg({ connectionString: url });
    return new PrismaBetterSQLite3({ url: url.replace(/^file:/, "") });
  },
});
