import type { HookMap } from '@tollgate/core';
import type { Logger as PinoLogger } from 'pino';
import { bodyLogFields } from './body-capture.js';
import { lineWriterOf } from './create-logger.js';
import { requestLogLine } from './request-log-line.js';

/**
 * A `log` hook that writes one line per request (after the answer was sent); with `bodies`, the
 * redacted request and answer too. Written straight to the destination of a logger {@link createLogger}
 * made, as the line pino would write; through pino's own methods for a host's logger.
 */
export function createRequestLogHook(logger: PinoLogger, bodies = false): HookMap['log'] {
  const writeLine = lineWriterOf(logger, 'request');
  return function requestLog(context) {
    let fields = requestLogLine(context);
    if (bodies) fields += `,${JSON.stringify(bodyLogFields(context)).slice(1, -1)}`;
    const level = (context.status ?? 500) >= 500 ? 40 : 30;
    if (writeLine !== undefined) writeLine(level, fields);
    else if (level === 40) logger.warn(JSON.parse(`{${fields}}`) as object, 'request');
    else logger.info(JSON.parse(`{${fields}}`) as object, 'request');
  };
}
