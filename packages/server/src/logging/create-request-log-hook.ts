import type { GatewayContext, HookMap, Logger } from '@tollgate/core';
import { bodyLogFields } from './body-capture.js';

function round(milliseconds: number | undefined): number | undefined {
  return milliseconds === undefined ? undefined : Math.round(milliseconds * 100) / 100;
}

/** The fields of a request's log line (no secrets: key names and ids only). */
export function requestLogFields(context: GatewayContext): Record<string, unknown> {
  const timings = context.timings;
  const usage = context.usage;
  return {
    requestId: context.requestId,
    operation: context.operation,
    status: context.status,
    model: context.request.model,
    stream: context.stream,
    keyName: context.principal?.keyName,
    teamId: context.principal?.teamId,
    provider: context.target?.provider.name,
    upstreamModel: context.upstreamModel ?? context.target?.model,
    attempts: context.attempts.length,
    // Every attempt when there was more than one: which target, how it ended, how long it took.
    ...(context.attempts.length > 1
      ? { attemptLog: context.attempts.map((attempt) => ({ target: attempt.target, status: attempt.status, errorCode: attempt.errorCode, ms: round(attempt.durationMs), waitedMs: round(attempt.waitedMs) })) }
      : {}),
    durationMs: timings.endedAt === undefined ? undefined : round(timings.endedAt - timings.receivedAt),
    firstByteMs: timings.firstByteAt === undefined ? undefined : round(timings.firstByteAt - timings.receivedAt),
    promptTokens: usage?.prompt_tokens,
    completionTokens: usage?.completion_tokens,
    costMicros: context.costMicros,
    errorCode: context.error?.code,
    // The budget or rate limit that refused the request ({ scope: "team", id: "research" }).
    refusedBy: context.error?.refusedBy,
    // What the response cache did: hit, miss or bypass (set when a response cache is loaded).
    cache: context.responseHeaders?.['x-tollgate-cache'],
  };
}

/** A `log` hook that writes one line per request (after the answer was sent); with `bodies`, the redacted request and answer too. */
export function createRequestLogHook(logger: Logger, bodies = false): HookMap['log'] {
  return function requestLog(context) {
    const fields = bodies ? { ...requestLogFields(context), ...bodyLogFields(context) } : requestLogFields(context);
    if ((context.status ?? 500) >= 500) logger.warn(fields, 'request');
    else logger.info(fields, 'request');
  };
}
