import { createServiceToken } from './service-token.js';
import type { Operation } from '../types/operation.js';
import type { Usage, UsageSource } from '../types/usage.js';

/** One finished request, as the ledger records it: exactly once per request. */
export interface LedgerEntry {
  readonly requestId: string;
  /** Milliseconds since the Unix epoch when the request arrived. */
  readonly startedAt: number;
  readonly operation: Operation;
  readonly keyId: string | undefined;
  readonly userId: string | undefined;
  readonly teamId: string | undefined;
  readonly orgId: string | undefined;
  /** The model name the client asked for. */
  readonly model: string;
  readonly provider: string | undefined;
  readonly upstreamModel: string | undefined;
  readonly usage: Usage | undefined;
  /** Cost in integer micro-dollars; undefined when unknown (never silently 0). */
  readonly costMicros: number | undefined;
  /** From arrival to the end of the answer, in milliseconds to two decimals (as the request log's `durationMs`). */
  readonly latencyMs: number;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly stream: boolean;
  /** The end user the client named in the request's `user` field, if any. */
  readonly endUser?: string | undefined;
  /** The guardrails that ran on the request, by name. */
  readonly guardrails?: readonly string[] | undefined;
  /** The id the upstream gave its answer (`chatcmpl-…`, `msg_…`, `resp_…`): the request in the provider's own records. */
  readonly responseId?: string | undefined;
  /** Why the model stopped, one per choice as each ended, in OpenAI's `finish_reason` words (`length`: cut at its limit). */
  readonly finishReasons?: readonly string[] | undefined;
  /** The processing tier the upstream served the request at (`default`, `flex`, `priority`), where it says; the cost is at its prices. */
  readonly serviceTier?: string | undefined;
  /** The tags the client gave the request (`x-tollgate-tags`). */
  readonly tags?: readonly string[] | undefined;
  /** Where the usage comes from when not from the answer (`billed`, `estimated`: see `UsageSource`). */
  readonly usageSource?: UsageSource | undefined;
  /** Every upstream attempt: target, status, error code, latency (milliseconds to two decimals). */
  readonly attempts: readonly { readonly target: string; readonly status: number | undefined; readonly errorCode: string | undefined; readonly latencyMs: number | undefined }[];
}

/**
 * Records finished requests. `record` must not block or throw: implementations buffer and write in
 * batches off the request path; `flush` writes what is buffered (called on shutdown).
 */
export interface Ledger {
  record(entry: LedgerEntry): void;
  flush(): Promise<void>;
}

/** Service token of the ledger. */
export const Ledger = createServiceToken<Ledger>('Ledger');
