import { createHash } from 'node:crypto';
import type { GatewayContext } from '@tollgate/core';
import type { ResponseCacheOptions } from './response-cache-options.js';

/** Request fields that do not change the answer: left out of the key. */
const ignoredFields = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier']);

/** JSON with object keys sorted at every level, so equal requests give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The tenant a cached answer belongs to: `team:search`, `key:key_…`, `org:acme` or `global`. */
export function cacheTenant(context: GatewayContext, scope: ResponseCacheOptions['scope']): string {
  const principal = context.principal!;
  if (scope === 'global') return 'global';
  if (scope === 'team' && principal.teamId !== undefined) return `team:${principal.teamId}`;
  if (scope === 'org' && principal.orgId !== undefined) return `org:${principal.orgId}`;
  return `key:${principal.keyId}`;
}

/**
 * The cache key of a request: the namespace, the tenant, and a SHA-256 of what determines the
 * answer — the operation (chat, embeddings, rerank), the targets the request was routed to (not only the model name clients use), every
 * request field but the ones that only shape delivery (`stream`, `user`, `metadata`, …), and for a
 * legacy completions client its wire.
 */
export function cacheKey(context: GatewayContext, options: ResponseCacheOptions): string {
  return cacheKeyOf(context, options, context.request as unknown as Readonly<Record<string, unknown>>);
}

/** {@link cacheKey} of `request` in place of the context's own (a semantic cache keys a request less its last question). */
export function cacheKeyOf(context: GatewayContext, options: ResponseCacheOptions, request: Readonly<Record<string, unknown>>): string {
  const fields = Object.fromEntries(Object.entries(request).filter(([field]) => !ignoredFields.has(field)));
  // A prompt the legacy completions API continues as raw text is another request than the chat message it decodes to.
  const wire = context.ingress === 'openai-completions' ? { ingress: context.ingress } : {};
  const hash = createHash('sha256')
    .update(stableJson({ operation: context.operation, targets: context.targets.map((target) => target.id), request: fields, ...wire }))
    .digest('base64url');
  return `${options.namespace}resp:${cacheTenant(context, options.scope)}:${hash}`;
}
