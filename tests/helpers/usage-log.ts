// A deterministic usage log and the metrics it must give, computed by brute force in plain code,
// so the SQL over rollups is checked against an independent reference.
import { dayOf, isoDateOf } from "../../api/domain/days.ts";

export interface LogEvent {
  userId: string;
  feature: string;
  occurredAt: string;
  eventId: string;
  sessionId?: string;
}

import { rng } from "../../api/demo/seed.ts";

/** `users` people over `days` days ending on `lastDay`, each with their own activity level. */
export function generateLog(opts: { prefix: string; users: number; features: string[]; lastDay: number; days: number; seed: number }): LogEvent[] {
  const random = rng(opts.seed);
  const events: LogEvent[] = [];
  let n = 0;
  for (let u = 0; u < opts.users; u++) {
    const intensity = random();
    for (let d = opts.lastDay - opts.days + 1; d <= opts.lastDay; d++) {
      if (random() > intensity) continue;
      const count = 1 + Math.floor(random() * 4);
      for (let i = 0; i < count; i++) {
        const ms = d * 86_400_000 + Math.floor(random() * 86_400_000);
        const session = random() < 0.85 ? `${opts.prefix}s-${u}-${d}-${Math.floor(random() * 3)}` : undefined;
        events.push({
          userId: `${opts.prefix}u${u}`,
          feature: opts.features[Math.floor(random() * opts.features.length)]!,
          occurredAt: new Date(ms).toISOString(),
          eventId: `${opts.prefix}e${n++}`,
          ...(session ? { sessionId: session } : {}),
        });
      }
    }
  }
  return events;
}

export function reference(events: LogEvent[], asOf: number) {
  const activeDays = (from: number, to: number) => {
    const byUser = new Map<string, Set<number>>();
    for (const e of events) {
      const d = dayOf(new Date(e.occurredAt));
      if (d < from || d > to) continue;
      if (!byUser.has(e.userId)) byUser.set(e.userId, new Set());
      byUser.get(e.userId)!.add(d);
    }
    return byUser;
  };
  const engagement = (day: number) => {
    const month = activeDays(day - 29, day);
    const userDays = [...month.values()].reduce((s, set) => s + set.size, 0);
    const mau = month.size;
    return {
      dau: activeDays(day, day).size,
      wau: activeDays(day - 6, day).size,
      mau,
      stickiness: mau === 0 ? 0 : userDays / 30 / mau,
    };
  };
  const curve = (windowDays: number) => {
    const counts = new Array(windowDays).fill(0);
    for (const set of activeDays(asOf - windowDays + 1, asOf).values()) counts[set.size - 1]++;
    return counts.map((users, i) => ({ activeDays: i + 1, users }));
  };
  const perUser = (userId: string, windowDays: number, advanced: Set<string>) => {
    const mine = events.filter((e) => e.userId === userId && dayOf(new Date(e.occurredAt)) > asOf - windowDays && dayOf(new Date(e.occurredAt)) <= asOf);
    const days = new Set(mine.map((e) => dayOf(new Date(e.occurredAt))));
    const features = new Set(mine.map((e) => e.feature));
    const sessions = new Set(mine.filter((e) => e.sessionId).map((e) => `${dayOf(new Date(e.occurredAt))}|${e.sessionId}`));
    return {
      activeDays: days.size,
      featureBreadth: features.size,
      advancedFeatures: [...features].filter((f) => advanced.has(f)).length,
      sessions: sessions.size,
      events: mine.length,
    };
  };
  const adoption = (windowDays: number) => {
    const active = activeDays(asOf - windowDays + 1, asOf);
    const power = new Set([...active.entries()].filter(([, s]) => s.size >= Math.ceil(windowDays / 2)).map(([u]) => u));
    const users = new Map<string, Set<string>>();
    for (const e of events) {
      const d = dayOf(new Date(e.occurredAt));
      if (d <= asOf - windowDays || d > asOf) continue;
      if (!users.has(e.feature)) users.set(e.feature, new Set());
      users.get(e.feature)!.add(e.userId);
    }
    return new Map(
      [...users.entries()].map(([f, set]) => [
        f,
        {
          users: set.size,
          share: active.size ? set.size / active.size : 0,
          powerUserShare: power.size ? [...set].filter((u) => power.has(u)).length / power.size : 0,
        },
      ]),
    );
  };
  return { engagement, curve, perUser, adoption, isoDate: isoDateOf };
}
