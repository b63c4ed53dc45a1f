import type { IncomingMessage, ServerResponse } from 'node:http';
import { Clock, GatewayError, Ledger, SpendReports, systemClock, type RequestRecord } from '@tollgate/core';
import { answerAuthenticated } from './answer-authenticated.js';
import type { HttpDependencies } from './http-dependencies.js';

/** How far back an answer's id is looked for (a request id, at any age): a day of the key's requests. */
const answerIdLookbackMs = 86_400_000;

/** A recorded request as `GET /v1/generation` shows it: OpenRouter's field names where they mean the same, never a key or a body. */
function generationView(record: RequestRecord) {
  return {
    id: record.requestId,
    upstream_id: record.responseId,
    total_cost: record.costMicros === null ? null : record.costMicros / 1_000_000,
    created_at: new Date(record.startedAt).toISOString(),
    model: record.model,
    upstream_model: record.upstreamModel,
    provider_name: record.provider,
    operation: record.operation,
    streamed: record.stream,
    cancelled: record.status === 499,
    status: record.status,
    error_code: record.errorCode,
    latency: record.latencyMs,
    finish_reason: record.finishReason,
    tokens_prompt: record.promptTokens,
    tokens_completion: record.completionTokens,
    // Not OpenRouter's: `estimated` for a stream cut before its last usage count, `billed` for one the upstream was asked about afterwards.
    usage_source: record.usageSource,
    service_tier: record.serviceTier,
    tags: record.tags,
    end_user: record.endUser,
  };
}

/**
 * `GET /v1/generation?id=…`: what one request cost and used, as OpenRouter's `GET /api/v1/generation`
 * tells it — the way to a stream's cost, which is known only once its headers are sent. The id is the
 * gateway's request id (`x-request-id`, the `openai` SDK's `_request_id`) or, for a request of the last
 * day, the id the upstream gave its answer (`chatcmpl-…`). A key sees its own requests, the master key
 * every one. Rows are written in batches: a request not found yet has the ledger flushed and is looked
 * for once more.
 */
export function createGenerationHandler(dependencies: HttpDependencies) {
  const { gateway } = dependencies;
  const reports = gateway.resolve(SpendReports);
  const ledger = gateway.resolve(Ledger);
  const clock = gateway.resolve(Clock) ?? systemClock;
  return function handleGeneration(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return answerAuthenticated(req, res, dependencies, async (principal) => {
      const id = new URL(req.url ?? '/', 'http://gateway').searchParams.get('id');
      if (id === null || id === '') {
        throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'Query parameter "id" is required: the request id (the `x-request-id` response header) or the answer\'s own id (`chatcmpl-…`).', { param: 'id' });
      }
      if (reports?.request === undefined) {
        throw new GatewayError('TOLLGATE_NOT_FOUND', 'This gateway keeps no record of requests: load a ledger plugin that can look them up (@tollgate/ledger-sqlite, @tollgate/ledger-postgres).');
      }
      const lookup = { id, answersSince: clock.now() - answerIdLookbackMs, ...(principal.isMaster ? {} : { keyId: principal.keyId }) };
      let record = await reports.request(lookup);
      if (record === undefined && ledger !== undefined) {
        // A ledger that cannot write now keeps its rows for its own retry: the lookup answers what is stored.
        await ledger.flush().catch(() => undefined);
        record = await reports.request(lookup);
      }
      if (record === undefined) {
        throw new GatewayError('TOLLGATE_NOT_FOUND', `No request "${id}" is recorded for this key: give the \`x-request-id\` of one of its requests, or the answer's id within a day of it.`, { param: 'id' });
      }
      return { data: generationView(record) };
    });
  };
}
