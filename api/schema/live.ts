// Live subscriptions (server-sent events) that re-read their data when something changes.
import { Repeater } from "graphql-yoga";

export interface LiveSource<T, E> {
  /** What the resolver reads from, pushed now and again after each relevant change. */
  value: T;
  changes: AsyncIterableIterator<E>;
  relevant?: (event: E) => boolean;
}

/**
 * Pushes `value` at once, then again after relevant changes, at most once per `coalesceMs`: a burst
 * of writes (a bulk import, a rush of sign-ups) costs each subscriber one re-read per interval, not
 * one per write.
 */
export function coalescedRefresh<T, E>(open: () => LiveSource<T, E> | Promise<LiveSource<T, E>>, coalesceMs = 250): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    const { value, changes, relevant = () => true } = await open();
    let timer: NodeJS.Timeout | null = null;
    void stop.then(() => {
      if (timer) clearTimeout(timer);
      void changes.return?.();
    });
    void push(value);
    for await (const event of changes) {
      if (timer || !relevant(event)) continue;
      timer = setTimeout(() => {
        timer = null;
        void push(value);
      }, coalesceMs);
    }
  });
}
