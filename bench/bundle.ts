// The widget bundle's size, gzipped, against its 25 KiB budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import type { Comparison } from "./harness.ts";
import { buildWidgets } from "../widgets/build.ts";

export const BUNDLE_BUDGET_KIB = 25;

export async function runBundle(): Promise<Comparison[]> {
  const { outdir } = await buildWidgets();
  const code = readFileSync(join(outdir, "pu-widgets.js"));
  const kib = gzipSync(code, { level: 9 }).length / 1024;
  return [
    {
      benchmark: "widget bundle size (gzipped)",
      size: `${(code.length / 1024).toFixed(1)} KiB minified`,
      product: "dist/widgets/pu-widgets.js",
      baseline: "budget",
      productMedian: kib,
      baselineMedian: BUNDLE_BUDGET_KIB,
      ratio: kib / BUNDLE_BUDGET_KIB,
      unit: "KiB",
    },
  ];
}
