import { roundMs, type GatewayContext, type LedgerEntry, type Usage } from '@tollgate/core';

/** The provider name the semantic cache's embedding calls are recorded under (and priced by: `cache-semantic/<model>`). */
export const embeddingProviderName = 'cache-semantic';

/**
 * The ledger row of an embedding call the semantic cache made for a request: an `embeddings` row of
 * its own (request id `<the request's>-semantic-cache`), for the request's key, user, team, org and
 * tags, under the provider `cache-semantic`, with the tokens the embeddings server counted and their
 * cost (undefined when unknown, never a silent 0).
 */
export function embeddingLedgerEntry(context: GatewayContext, call: { readonly model: string; readonly usage: Usage | undefined; readonly costMicros: number | undefined; readonly latencyMs: number }): LedgerEntry {
  const principal = context.principal;
  const latencyMs = roundMs(call.latencyMs);
  return {
    requestId: `${context.requestId}-semantic-cache`,
    startedAt: Date.now() - Math.round(call.latencyMs),
    operation: 'embeddings',
    keyId: principal?.keyId,
    userId: principal?.userId,
    teamId: principal?.teamId,
    orgId: principal?.orgId,
    model: call.model,
    provider: embeddingProviderName,
    upstreamModel: call.model,
    usage: call.usage,
    costMicros: call.costMicros,
    latencyMs,
    status: 200,
    errorCode: undefined,
    stream: false,
    tags: context.tags,
    attempts: [{ target: `${embeddingProviderName}/${call.model}`, status: 200, errorCode: undefined, latencyMs }],
  };
}
