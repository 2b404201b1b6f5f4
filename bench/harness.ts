// Runs a product path and its baseline alternately for several rounds, so both see the same
// machine state, and reports medians and their ratio. Never used for pass/fail in tests.
import { performance } from "node:perf_hooks";

export interface Comparison {
  benchmark: string;
  size: string;
  product: string;
  baseline: string;
  productMedian: number;
  baselineMedian: number;
  /** product / baseline for times; baseline / product for rates, so > 1 always means "the product is slower". */
  ratio: number;
  unit: "ms" | "events/s" | "checks/s" | "req/s" | "KiB" | "statements" | "µs";
  note?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Alternates product and baseline `rounds` times after `warmup` calls each (default one);
 * returns median milliseconds.
 */
export async function compareTimes(
  meta: Omit<Comparison, "productMedian" | "baselineMedian" | "ratio" | "unit">,
  rounds: number,
  product: () => unknown,
  baseline: () => unknown,
  warmup = 1,
): Promise<Comparison> {
  for (let i = 0; i < warmup; i++) {
    await product();
    await baseline();
  }
  const p: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Swap the order every round so neither always runs on a warmer cache.
    if (i % 2 === 0) {
      p.push(await timeMs(product));
      b.push(await timeMs(baseline));
    } else {
      b.push(await timeMs(baseline));
      p.push(await timeMs(product));
    }
  }
  const productMedian = median(p);
  const baselineMedian = median(b);
  return { ...meta, productMedian, baselineMedian, ratio: productMedian / baselineMedian, unit: "ms" };
}

/** The same for throughput: each function returns how many items it processed. */
export async function compareRates(
  meta: Omit<Comparison, "productMedian" | "baselineMedian" | "ratio" | "unit">,
  unit: Comparison["unit"],
  rounds: number,
  product: (round: number) => Promise<number>,
  baseline: (round: number) => Promise<number>,
): Promise<Comparison> {
  const p: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const runP = async () => {
      const start = performance.now();
      const n = await product(i);
      p.push((n / (performance.now() - start)) * 1000);
    };
    const runB = async () => {
      const start = performance.now();
      const n = await baseline(i);
      b.push((n / (performance.now() - start)) * 1000);
    };
    if (i % 2 === 0) {
      await runP();
      await runB();
    } else {
      await runB();
      await runP();
    }
  }
  return fromSamples(meta, unit, p, b);
}

type Meta = Omit<Comparison, "productMedian" | "baselineMedian" | "ratio" | "unit">;

/** A row from samples measured elsewhere: medians, and the ratio oriented as in Comparison (rates: baseline ÷ product). */
export function fromSamples(meta: Meta, unit: Comparison["unit"], product: number[], baseline: number[]): Comparison {
  const productMedian = median(product);
  const baselineMedian = median(baseline);
  const rate = unit.endsWith("/s");
  return { ...meta, productMedian, baselineMedian, ratio: rate ? baselineMedian / productMedian : productMedian / baselineMedian, unit };
}
