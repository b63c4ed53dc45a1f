/**
 * Which API a reasoning block came from, which decides who can take it back: Anthropic's thinking
 * blocks (`anthropic-claude-v1`), OpenAI's Responses API reasoning items (`openai-responses-v1`).
 */
export type ReasoningFormat = 'anthropic-claude-v1' | 'openai-responses-v1' | (string & {});

/** The formats the gateway's own providers and ingresses read and write. */
export const reasoningFormats = { anthropic: 'anthropic-claude-v1', openaiResponses: 'openai-responses-v1' } as const;

/** What every reasoning block has: the upstream's item id, its format, its place among the answer's blocks. */
interface ReasoningDetailBase {
  /** The upstream's id of the item the block belongs to (`rs_…`); several blocks may share one. */
  readonly id?: string | null;
  readonly format?: ReasoningFormat;
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
