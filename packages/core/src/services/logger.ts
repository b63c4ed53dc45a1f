import { createServiceToken } from './service-token.js';

/** Log method: a message, or structured fields followed by a message (pino's signature). */
export interface LogFunction {
  (message: string): void;
  (fields: Readonly<Record<string, unknown>>, message?: string): void;
}

/** The logger plugins receive: a subset of pino's API. */
export interface Logger {
  readonly debug: LogFunction;
  readonly info: LogFunction;
  readonly warn: LogFunction;
  readonly error: LogFunction;
  /** A logger with these fields on every line; `level` sets its own lowest level (pino's child options). */
  child(bindings: Readonly<Record<string, unknown>>, options?: { readonly level?: string }): Logger;
}

/** Service token of the gateway's logger. */
export const Logger = createServiceToken<Logger>('Logger');

/** A logger that drops everything; the default when the host gives none. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
