// One urql client per (endpoint, token) for the whole page, shared by every element.
// Subscriptions go over fetch too (`fetchSubscriptions`): urql reads graphql-yoga's
// server-sent events itself, and fetch, unlike EventSource, can send the Authorization header.
import { Client, fetchExchange } from "@urql/core";
import { graphqlUrl } from "./config.ts";

const clients = new Map<string, Client>();

export function clientFor(endpoint: string | undefined, token: string | undefined): Client {
  const url = graphqlUrl(endpoint);
  const key = `${url}\n${token ?? ""}`;
  let client = clients.get(key);
  if (!client) {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    client = new Client({
      url,
      // No document cache: boards and seat counts must be fresh on every load.
      exchanges: [fetchExchange],
      fetchSubscriptions: true,
      preferGetMethod: false,
      fetchOptions: () => ({ headers }),
      fetch: quietFetch,
    });
    clients.set(key, client);
  }
  return client;
}

/**
 * fetch whose body ends quietly when the request is aborted: urql aborts a live subscription's
 * stream on teardown, and the read in flight would otherwise surface on the host page as an
 * "Uncaught (in promise) AbortError".
 */
const quietFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const signal = init?.signal;
  if (!response.body || !signal) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        if (signal.aborted) controller.close();
        else controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, response);
};

interface Result<T> {
  data?: T;
  error?: { message: string; graphQLErrors: { message: string }[]; networkError?: Error };
}

export function unwrap<T>(result: Result<T>): T {
  const error = result.error;
  if (error) throw new Error(error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message);
  return result.data as T;
}

/** Runs a query and returns its data, or throws with the first error's message. */
export async function request<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return unwrap(await client.query<T>(query, variables, { requestPolicy: "network-only" }).toPromise());
}

export async function mutate<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return unwrap(await client.mutation<T>(query, variables).toPromise());
}
