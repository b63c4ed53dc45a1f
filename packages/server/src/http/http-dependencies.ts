import type { Gateway, Logger } from '@tollgate/core';
import type { RequestTracker } from './request-tracker.js';

/** What the route handlers need, built once by `createTollgate`. */
export interface HttpDependencies {
  readonly gateway: Gateway;
  readonly logger: Logger;
  readonly bodyLimit: number;
  readonly tracker: RequestTracker;
  /** Whether to write a log line for requests that fail before the engine (bad JSON, 415, 413). */
  readonly logRequests: boolean;
}
