import { redactSecrets } from '@tollgate/core';

/** Largest error body read from an upstream; the rest is dropped. */
const maxErrorBodyBytes = 64 * 1024;

/** An upstream error body with secrets removed, and its JSON when it is JSON. */
export interface ErrorBody {
  readonly text: string;
  readonly json: unknown;
}

/** Prepares an upstream error body for a `ProviderError`: bounded, secrets removed, parsed if it can be. */
export function readErrorBody(bodyText: string, secrets: readonly string[]): ErrorBody {
  const text = redactSecrets(bodyText.slice(0, maxErrorBodyBytes), secrets);
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}
