// Helpers for the security tests: raw HTTP posts, hand-made tokens and API keys.
import type { TestApp } from "./app.ts";

export async function post(app: TestApp, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned JWT (`alg: none`) claiming to be `sub`. */
export function unsignedToken(sub: string) {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub, iat: now, exp: now + 600 })}.`;
}

/** Creates an API key through the API (as admin) and returns its secret. */
export async function apiKey(app: TestApp, scopes: string[], name = `key-${scopes.join("-")}`) {
  const enumValue = (s: string) => s.replace(":", "_").toUpperCase();
  const result = await app.gql(
    `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { ... on CreateApiKeyPayload { secret apiKey { id } } } }`,
    { input: { name, scopes: scopes.map(enumValue) } },
    "admin",
  );
  if (!result.data?.createApiKey?.secret) throw new Error(`createApiKey failed: ${JSON.stringify(result)}`);
  return result.data.createApiKey.secret as string;
}
