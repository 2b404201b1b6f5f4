// One urql client per (endpoint, token) for the whole page, shared by every element.
import { Client, fetchExchange } from "@urql/core";
import { graphqlUrl } from "./config.ts";

const clients = new Map<string, Client>();

export function clientFor(endpoint: string | undefined, token: string | undefined): Client {
  const url = graphqlUrl(endpoint);
  const key = `${url}\n${token ?? ""}`;
  let client = clients.get(key);
  if (!client) {
    client = new Client({
      url,
      // No document cache: boards and seat counts must be fresh on every load.
      exchanges: [fetchExchange],
      preferGetMethod: false,
      fetchOptions: (): RequestInit => ({
        headers: token ? { authorization: `Bearer ${token}` } : ({} as Record<string, string>),
      }),
    });
    clients.set(key, client);
  }
  return client;
}

/** Runs a query and returns its data, or throws with the first error's message. */
export async function request<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  const result = await client.query<T>(query, variables, { requestPolicy: "network-only" }).toPromise();
  if (result.error) throw new Error(result.error.graphQLErrors[0]?.message ?? result.error.networkError?.message ?? result.error.message);
  return result.data as T;
}
