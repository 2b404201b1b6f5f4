// A GraphQL subscription over server-sent events, read event by event (as a wall screen or a
// sign-up page would), for tests of live fields.
export interface EventStream {
  status: number;
  contentType: string | null;
  /** The next `next` event's payload ({ data, errors }). */
  next(): Promise<any>;
  close(): void;
}

export async function subscribe(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    async next() {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data:"));
          if (block.includes("event: next") && data) return JSON.parse(data.slice(5));
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}
