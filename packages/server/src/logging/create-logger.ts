import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { BatchedLogDestination } from './batched-log-destination.js';

/**
 * Paths pino blanks in every log line, as a second line of defense: Tollgate never puts secrets in log
 * fields in the first place. Explicit paths only: wildcard paths cost a few percent of a request.
 */
export const redactedLogPaths = [
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'apiKey',
  'masterKey',
  'credential',
  'key',
  'options.apiKey',
  'config.auth',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  readonly level?: string;
  /**
   * Where lines go; default stdout through a {@link BatchedLogDestination}: written asynchronously
   * (never blocking a request) in batches of 64 KB or every 200 ms, whichever comes first,
   * and flushed on exit. One write per log line cost ~7 % of a request's CPU (a system call each).
   */
  readonly destination?: DestinationStream;
}

/** The fields every line of {@link createLogger}'s logger starts with, as pino writes them. */
const base = { service: 'tollgate' };
const baseText = JSON.stringify(base).slice(1, -1);

/** Where each logger {@link createLogger} made writes its lines. */
const destinations = new WeakMap<PinoLogger, DestinationStream>();

/** Creates the gateway's pino logger: JSON lines (pino's epoch-millisecond `time`), secrets redacted. */
export function createLogger(options: CreateLoggerOptions = {}): PinoLogger {
  const destination = options.destination ?? new BatchedLogDestination();
  const logger = pino({ level: options.level ?? 'info', base, redact: { paths: redactedLogPaths, censor: '[redacted]' } }, destination);
  destinations.set(logger, destination);
  return logger;
}

/** Writes one line of already-serialized fields at a level (30 info, 40 warn), as its logger would. */
export type LineWriter = (level: number, fields: string) => void;

/**
 * A writer of lines with one message whose fields are JSON text already, straight to the destination
 * of a logger {@link createLogger} made, in the same shape pino writes (`level`, `time`, the base
 * fields, the fields, `msg`) and honoring its level; undefined for any other logger (the host's own
 * pino, with its own formatters). For the request line only: its fields are never secret, so
 * redaction has nothing to do (`redactedLogPaths` names none of them).
 */
export function lineWriterOf(logger: PinoLogger, message: string): LineWriter | undefined {
  const destination = destinations.get(logger);
  if (destination === undefined) return undefined;
  const ending = `,"msg":${JSON.stringify(message)}}\n`;
  return (level, fields) => {
    if (level < logger.levelVal) return;
    destination.write(`{"level":${level},"time":${Date.now()},${baseText},${fields}${ending}`);
  };
}
