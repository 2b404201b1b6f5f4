// Bulk import: `npm run import -- usage FILE` (NDJSON or CSV events) or
// `npm run import -- rollups FILE` (daily rows: userId, day, feature, events, sessions).
// Writes to DATABASE_URL (default: the embedded SQLite file), migrating it first.
// Resumable: rerun the same command after an interruption; see docs/usage.md.
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import cliProgress from "cli-progress";
import { DEFAULT_DATABASE_URL } from "../api/config.ts";
import { openDatabase } from "../api/db.ts";
import { migrate } from "../api/migrate.ts";
import { checkpointPath, importFile, ImportError, type ImportKind } from "../api/domain/usage/import.ts";

const USAGE = "usage: npm run import -- usage|rollups FILE [--batch 5000] [--quiet]";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { batch: { type: "string" }, quiet: { type: "boolean" } },
});
const [kind, file] = positionals;
if ((kind !== "usage" && kind !== "rollups") || !file) {
  console.error(USAGE);
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`${file}: no such file`);
  process.exit(2);
}
const batchSize = Number(values.batch ?? 5000);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
  console.error("--batch must be a whole number from 1 to 50000");
  process.exit(2);
}

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
await migrate(url);
const database = await openDatabase(url);
const quiet = values.quiet || !process.stderr.isTTY;
const bar = new cliProgress.SingleBar(
  { format: "{bar} {percentage}% | {records} records, {rate}/s | ETA {eta_formatted}", hideCursor: true, stream: process.stderr },
  cliProgress.Presets.shades_classic,
);
const started = Date.now();
let barStarted = false;

try {
  const result = await importFile(database.db, database.dialect, kind as ImportKind, file, {
    batchSize,
    onProgress: (p) => {
      const rate = Math.round((p.records / Math.max(1, Date.now() - started)) * 1000);
      if (quiet) return;
      if (!barStarted) {
        bar.start(p.totalBytes, 0, { records: 0, rate: 0 });
        barStarted = true;
      }
      bar.update(p.bytes, { records: p.records, rate });
    },
  });
  if (barStarted) bar.stop();
  const seconds = (Date.now() - started) / 1000;
  const imported = result.records - result.resumedFrom;
  console.log(
    `${kind}: ${imported} records in ${seconds.toFixed(1)} s (${Math.round(imported / Math.max(seconds, 0.001))}/s)` +
      (kind === "usage" ? `, ${result.accepted} new, ${result.duplicates} duplicates` : "") +
      (result.resumedFrom ? `; resumed after record ${result.resumedFrom}` : ""),
  );
} catch (error) {
  if (barStarted) bar.stop();
  if (error instanceof ImportError) {
    console.error(`${file}: ${error.message}`);
    console.error(`Committed batches are recorded in ${checkpointPath(file)}.`);
  } else console.error(error);
  process.exitCode = 1;
} finally {
  await database.close();
}
