import { GatewayError } from '@tollgate/core';

/** A model as Anthropic's Models API describes one. */
export interface AnthropicModelInfo {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  /** RFC 3339. */
  readonly created_at: string;
}

/** One page of Anthropic's `GET /v1/models`. */
export interface AnthropicModelsPage {
  readonly data: readonly AnthropicModelInfo[];
  /** Whether more models lie in the direction asked (after the page, or before it for `before_id`). */
  readonly has_more: boolean;
  readonly first_id: string | null;
  readonly last_id: string | null;
}

/** Anthropic's default and largest page sizes. */
const defaultLimit = 20;
const largestLimit = 1000;

/** A model id in Anthropic's shape; the gateway's names are its display names too. */
export function toAnthropicModelInfo(id: string, createdAt: string): AnthropicModelInfo {
  return { type: 'model', id, display_name: id, created_at: createdAt };
}

/**
 * The page of `ids` that Anthropic's list query asks for: `limit` (1–1000, default 20), and a cursor,
 * `after_id` or `before_id`, naming a model of the list (as its SDK sends them when it pages on).
 */
export function toModelsPage(ids: readonly string[], query: URLSearchParams, createdAt: string): AnthropicModelsPage {
  const limit = pageLimit(query.get('limit'));
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  if (afterId !== null && beforeId !== null) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'Send `after_id` or `before_id`, not both.', { param: 'before_id' });
  }
  let start: number;
  let end: number;
  let hasMore: boolean;
  if (beforeId !== null) {
    // Backwards: the page just before the cursor; more lie before it.
    end = cursorIndex(ids, beforeId, 'before_id');
    start = Math.max(0, end - limit);
    hasMore = start > 0;
  } else {
    // Forwards: from the start, or just after the cursor; more lie after it.
    start = afterId === null ? 0 : cursorIndex(ids, afterId, 'after_id') + 1;
    end = Math.min(ids.length, start + limit);
    hasMore = end < ids.length;
  }
  const data = ids.slice(start, end).map((id) => toAnthropicModelInfo(id, createdAt));
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function pageLimit(value: string | null): number {
  if (value === null) return defaultLimit;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > largestLimit) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `\`limit\` must be a whole number from 1 to ${largestLimit}; got "${value}".`, { param: 'limit' });
  }
  return limit;
}

function cursorIndex(ids: readonly string[], id: string, param: 'after_id' | 'before_id'): number {
  const index = ids.indexOf(id);
  if (index === -1) throw new GatewayError('TOLLGATE_INVALID_REQUEST', `\`${param}\` names no model of this list: "${id}".`, { param });
  return index;
}
