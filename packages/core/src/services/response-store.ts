import { createServiceToken } from './service-token.js';

/**
 * One turn of a Responses API conversation the gateway answered and keeps, so a later request can
 * continue it by `previous_response_id` whatever model answers (OpenAI keeps its own; this is for
 * every other). A conversation is the chain of its turns, each holding only its own items.
 */
export interface StoredResponse {
  /** The response's id (`resp_…`), as the client got it. */
  readonly id: string;
  /** The key that made it (`Principal.keyId`; undefined for the master key or without auth): only it may read or continue it. */
  readonly ownerKeyId: string | undefined;
  /** The turn it continued, when it did. */
  readonly previousResponseId: string | undefined;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  /** The input items this turn added (its `input`, a text as one user message), `instructions` left out as OpenAI leaves them. */
  readonly input: readonly unknown[];
  /** The response's output items. */
  readonly output: readonly unknown[];
  /** The whole response object, as `GET /v1/responses/{id}` answers it. */
  readonly response: unknown;
}

/** Keeps Responses API turns (a ledger plugin's database provides it). */
export interface ResponseStore {
  /** Keeps a turn; resolves once kept. */
  save(response: StoredResponse): Promise<void>;
  /** A turn by its id; undefined when unknown, expired or deleted. */
  load(id: string): Promise<StoredResponse | undefined>;
  /** Forgets a turn; whether it was kept. */
  delete(id: string): Promise<boolean>;
}

/** Service token of the {@link ResponseStore}. */
export const ResponseStore = createServiceToken<ResponseStore>('ResponseStore');
