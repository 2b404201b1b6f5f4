// The bundle's size as served: built into a temporary directory, minified, gzipped at level 9.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWidgets } from "./build.ts";

/** The budget for every element together (issue: at most 25 KiB gzipped). */
export const WIDGET_BUDGET_BYTES = 25 * 1024;

export async function measureWidgetBundle() {
  const outdir = mkdtempSync(join(tmpdir(), "pu-widgets-"));
  try {
    await buildWidgets({ outdir });
    const code = readFileSync(join(outdir, "pu-widgets.js"));
    return { code: code.toString("utf8"), bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
