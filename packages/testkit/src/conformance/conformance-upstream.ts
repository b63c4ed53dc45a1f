import type { RecordedRequest } from '../recorded-request.js';

/**
 * A mock upstream speaking the wire of the provider under test, programmable the few ways the
 * conformance checks need. The built-in mocks have adapters; a plugin author writes one for theirs.
 */
export interface ConformanceUpstream {
  /** Options of a `providers.<name>` entry pointing at this upstream (base URL, key). */
  readonly providerOptions: Readonly<Record<string, unknown>>;
  /** The upstream model id requests use. */
  readonly model: string;
  /** The provider's secret (its key), which must never appear in an error message. */
  readonly secret: string;
  /** Every request the upstream received, noting those whose client went away. */
  readonly requests: readonly RecordedRequest[];
  /** The next answer: this text (JSON, or streamed when the request streams). */
  enqueueText(text: string): void;
  /** The next answer: an error with this status in the upstream's own shape; 429 carries `retry-after: 2`. */
  enqueueError(status: number, message: string): void;
  /** The next request is never answered. */
  enqueueHang(): void;
  close(): Promise<void>;
}
