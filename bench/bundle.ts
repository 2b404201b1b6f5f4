// The widget bundle's size, gzipped, against its 25 KiB budget (measured as the bundle test does).
import type { Comparison } from "./harness.ts";
import { measureWidgetBundle, WIDGET_BUDGET_BYTES } from "../widgets/size.ts";

export const BUNDLE_BUDGET_KIB = WIDGET_BUDGET_BYTES / 1024;

export async function runBundle(): Promise<Comparison[]> {
  const { bytes, gzipBytes } = await measureWidgetBundle();
  const kib = gzipBytes / 1024;
  return [
    {
      benchmark: "widget bundle size (gzipped)",
      size: `${(bytes / 1024).toFixed(1)} KiB minified`,
      product: "dist/widgets/pu-widgets.js",
      baseline: "budget",
      productMedian: kib,
      baselineMedian: BUNDLE_BUDGET_KIB,
      ratio: kib / BUNDLE_BUDGET_KIB,
      unit: "KiB",
    },
  ];
}
