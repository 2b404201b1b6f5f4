// Widget bundle size against its budget: `npx tsx bench/widgets.ts`.
import { measureWidgetBundle, WIDGET_BUDGET_BYTES } from "../widgets/size.ts";

const { bytes, gzipBytes } = await measureWidgetBundle();
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`widgets: pu-widgets.js ${kib(bytes)} minified, ${kib(gzipBytes)} gzipped (budget ${kib(WIDGET_BUDGET_BYTES)}, ${gzipBytes <= WIDGET_BUDGET_BYTES ? "within" : "OVER"})`);
if (gzipBytes > WIDGET_BUDGET_BYTES) process.exitCode = 1;
