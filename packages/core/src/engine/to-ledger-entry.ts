import type { RequestContext } from '../context/request-context.js';
import { roundMs } from '../context/round-ms.js';
import type { LedgerEntry } from '../services/ledger.js';

/**
 * The ledger row of a finished request. The request body is the client's and may not have been
 * validated (a request refused at auth), so its model is recorded only when it is a string.
 */
export function toLedgerEntry(context: RequestContext): LedgerEntry {
  const principal = context.principal;
  return {
    requestId: context.requestId,
    startedAt: context.startedAt,
    operation: context.operation,
    keyId: principal?.keyId,
    userId: principal?.userId,
    teamId: principal?.teamId,
    orgId: principal?.orgId,
    model: typeof context.request.model === 'string' ? context.request.model : '',
    provider: context.target?.provider.name,
    upstreamModel: context.upstreamModel,
    usage: context.usage,
    costMicros: context.costMicros,
    latencyMs: roundMs((context.timings.endedAt ?? performance.now()) - context.timings.receivedAt),
    status: context.status ?? 500,
    errorCode: context.error?.code,
    stream: context.stream,
    endUser: typeof (context.request as { user?: unknown }).user === 'string' ? (context.request as { user: string }).user : undefined,
    guardrails: context.guardrails.length === 0 ? undefined : context.guardrails,
    responseId: context.responseId,
    finishReasons: context.finishReasons,
    serviceTier: context.serviceTier,
    tags: context.tags,
    usageSource: context.usageSource,
    attempts: context.attempts.map((attempt) => ({ target: attempt.target, status: attempt.status, errorCode: attempt.errorCode, latencyMs: attempt.durationMs === undefined ? undefined : roundMs(attempt.durationMs) })),
  };
}
