// `npm run bench [-- --quick]`: every benchmark beside its baseline, one table, and
// bench/results.json + bench/RESULTS.md with the machine, the date and the commit.
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Comparison } from "./harness.ts";
import { runLeaderboard } from "./leaderboard.ts";
import { runHttp } from "./http.ts";
import { runBundle } from "./bundle.ts";
import { runCandidates } from "./candidates.ts";
import { runNested } from "./nested.ts";
import { runRender } from "./render.ts";
import { runIngestion, runPostgresIngestion, runCurve, runFeatureAccess, runMixedLoad } from "./suites.ts";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const rounds = quick ? 5 : 9;

// The bare-yoga rate from the HTTP benchmark is the baseline for the mixed load row.
let bareRps: number | undefined;

const benchmarks: { name: string; run: () => Promise<Comparison[]> }[] = [
  { name: "ingestion", run: () => runIngestion(quick ? [10_000] : [10_000, 50_000, 200_000], 3) },
  { name: "ingestion-postgres", run: () => runPostgresIngestion(quick ? 10_000 : 50_000, 3) },
  { name: "curve", run: () => runCurve(quick ? [10_000] : [10_000, 50_000, 100_000], quick ? 3 : 5) },
  {
    name: "leaderboard",
    run: () =>
      runLeaderboard(
        quick
          ? [{ users: 10_000, entries: 100_000 }]
          : [
              { users: 10_000, entries: 100_000 },
              { users: 100_000, entries: 1_000_000 },
            ],
        rounds,
      ),
  },
  { name: "candidates", run: () => runCandidates(quick ? [10_000] : [10_000, 100_000], quick ? 3 : 5) },
  { name: "nested", run: () => runNested([5, 20, 50], rounds) },
  { name: "feature-access", run: () => runFeatureAccess(quick ? 5_000 : 20_000, quick ? 20_000 : 100_000) },
  {
    name: "http",
    run: async () => {
      const rows = await runHttp(quick ? 3 : 10, quick ? 1 : 3);
      bareRps = rows[0]?.baselineMedian;
      return rows;
    },
  },
  { name: "load", run: () => runMixedLoad(quick ? 10 : 60, bareRps) },
  { name: "bundle", run: () => runBundle() },
  { name: "render", run: () => runRender(rounds) },
];

function fmt(n: number, unit: string) {
  if (unit === "ms") return n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
  if (unit === "KiB") return n.toFixed(1);
  if (unit === "statements") return String(n);
  return Math.round(n).toLocaleString("en");
}

// `--only a,b` runs a subset (for working on one benchmark); the committed report is a full run.
const onlyArg = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const only = onlyArg ? new Set(onlyArg.split(",")) : null;

const started = Date.now();
const results: Comparison[] = [];
for (const b of benchmarks.filter((b) => !only || only.has(b.name))) {
  process.stderr.write(`running ${b.name}...\n`);
  results.push(...(await b.run()));
}

const header = "| benchmark | size | product | baseline | product median | baseline median | ratio | note |\n|---|---|---|---|---|---|---|---|";
const rows = results.map(
  (r) =>
    `| ${r.benchmark} | ${r.size} | ${r.product} | ${r.baseline} | ${fmt(r.productMedian, r.unit)} ${r.unit} | ${fmt(r.baselineMedian, r.unit)} ${r.unit} | ${r.ratio.toFixed(2)}× | ${r.note ?? ""} |`,
);
const table = [header, ...rows].join("\n");
console.log(table);

const commit = (() => {
  try {
    return execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const date = new Date().toISOString();
const seconds = ((Date.now() - started) / 1000).toFixed(0);
writeFileSync(join(here, "results.json"), JSON.stringify({ date, commit, machine, quick, seconds: Number(seconds), results }, null, 2) + "\n");
writeFileSync(
  join(here, "RESULTS.md"),
  `# Benchmark results

Run: ${date} · commit \`${commit}\` · ${machine} · ${quick ? "quick mode" : "full run"} · ${seconds} s

Each row runs the product's path and its baseline alternately (${rounds} rounds after a warm-up) and
reports medians. **ratio** is product ÷ baseline for times and baseline ÷ product for rates, so a
ratio above 1 always means "the product costs more than the baseline". Sizes show how cost grows.

${table}
`,
);
