// Background jobs that run inside the server on an interval (tier evaluation, webhook
// delivery, retention, invitation expiry...). Each domain registers its job here; the
// server starts them after start-up and stops them on shutdown. A job never overlaps itself.
import type { Services } from "./context.ts";

export interface Job {
  name: string;
  intervalMs: number;
  run(services: Services): Promise<void>;
}

const jobs: Job[] = [];

export function registerJob(job: Job) {
  if (!jobs.some((j) => j.name === job.name)) jobs.push(job);
}

export function registeredJobs(): readonly Job[] {
  return jobs;
}

export function startJobs(services: Services, log: (line: string) => void = console.error) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const job of jobs) {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const p = job
        .run(services)
        .catch((error) => log(JSON.stringify({ level: "error", job: job.name, message: String(error?.message ?? error) })))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    const timer = setInterval(tick, job.intervalMs);
    timer.unref();
    timers.push(timer);
  }
  return async function stopJobs() {
    for (const t of timers) clearInterval(t);
    await Promise.allSettled([...running]);
  };
}
