// Trusted documents (TRUSTED_DOCUMENTS=1): anonymous and member callers may run only the
// operations the widgets were built with (dist/widgets/persisted-operations.json, written by
// `npm run build:widgets`), sent by hash (`extensions.persistedQuery.sha256Hash`) or as their
// exact text. Admins and API keys may run anything. Widgets send text that clients sometimes
// reformat, so text is also matched after normalising with graphql's printer.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, print, GraphQLError } from "graphql";

export interface PersistedManifest {
  version: 1;
  /** sha256 (hex) of the document text -> the text. */
  operations: Record<string, string>;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function normalizeDocument(text: string): string | null {
  try {
    return print(parse(text, { noLocation: true }));
  } catch {
    return null;
  }
}

export class TrustedDocuments {
  private byHash = new Map<string, string>();
  private normalized = new Set<string>();

  constructor(manifest: PersistedManifest) {
    for (const [hash, text] of Object.entries(manifest.operations)) {
      this.byHash.set(hash, text);
      const n = normalizeDocument(text);
      if (n) this.normalized.add(sha256(n));
    }
  }

  static load(path: string): TrustedDocuments {
    let raw: string;
    try {
      raw = readFileSync(resolve(path), "utf8");
    } catch {
      throw new Error(`TRUSTED_DOCUMENTS=1 needs the manifest ${path}: run \`npm run build:widgets\` first`);
    }
    return new TrustedDocuments(JSON.parse(raw) as PersistedManifest);
  }

  get size() {
    return this.byHash.size;
  }

  textFor(hash: string): string | undefined {
    return this.byHash.get(hash);
  }

  allowsText(text: string): boolean {
    if (this.byHash.has(sha256(text))) return true;
    const n = normalizeDocument(text);
    return n !== null && this.normalized.has(sha256(n));
  }
}

export function untrustedDocumentError(message: string, code: string) {
  return new GraphQLError(message, { extensions: { code, http: { status: 403 } } });
}
