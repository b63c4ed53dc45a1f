import { createServiceToken } from './service-token.js';

/** Wall-clock time, injectable so budget periods and expiries can be tested. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Service token of the gateway's clock. */
export const Clock = createServiceToken<Clock>('Clock');

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
