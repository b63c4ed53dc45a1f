import { upstreamFormats, type UpstreamFormat } from './upstream-item.js';

/** What every reasoning block has: the upstream's item id, its format, its place among the answer's blocks. */
interface ReasoningDetailBase {
  /** The upstream's id of the item the block belongs to (`rs_…`); several blocks may share one. */
  readonly id?: string | null;
  readonly format?: UpstreamFormat;
  /** The block's position among the answer's reasoning blocks; in a stream, what joins its pieces. */
  readonly index?: number;
}

/**
 * One block of a model's reasoning, in OpenRouter's `reasoning_details` shape: on a chat answer's
 * message and stream deltas, so what only the upstream's answer carries — Claude's signed thinking,
 * OpenAI's encrypted reasoning — survives the canonical form and reaches the client in its own wire.
 * `reasoning.text` is reasoning as written (a `signature` vouches for it); `reasoning.summary` a
 * summary of it; `reasoning.encrypted` reasoning the client may only send back (`data`). In a
 * stream, deltas with the same `index` are pieces of one block: texts concatenate, `signature` and
 * `data` arrive whole.
 */
export type ReasoningDetail =
  | (ReasoningDetailBase & { readonly type: 'reasoning.text'; readonly text?: string; readonly signature?: string | null })
  | (ReasoningDetailBase & { readonly type: 'reasoning.summary'; readonly summary: string })
  | (ReasoningDetailBase & { readonly type: 'reasoning.encrypted'; readonly data: string });

/**
 * One of Claude's content blocks as a reasoning block of format `anthropic-claude-v1`, at `index`:
 * `thinking` with its signature, `redacted_thinking` with its data; undefined for any other block.
 * The Messages API's answers and a Messages client's history are read the same way.
 */
export function claudeThinkingDetail(block: { readonly type?: unknown; readonly [field: string]: unknown }, index: number): ReasoningDetail | undefined {
  if (block.type === 'thinking') return { type: 'reasoning.text', text: String(block.thinking ?? ''), signature: typeof block.signature === 'string' ? block.signature : null, format: upstreamFormats.anthropic, index };
  if (block.type === 'redacted_thinking') return { type: 'reasoning.encrypted', data: String(block.data), format: upstreamFormats.anthropic, index };
  return undefined;
}
