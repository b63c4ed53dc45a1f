import type { GatewayContext } from '../context/gateway-context.js';
import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';
import type { ChatCompletionResponse } from '../types/chat-completion-response.js';
import type { EmbeddingResponse } from '../types/embedding-response.js';
import type { ImageGenerationResponse } from '../types/image-generation-response.js';
import type { ModerationResponse } from '../types/moderation-response.js';
import type { TranscriptionResponse } from '../types/transcription-response.js';
import type { RerankResponse } from '../types/rerank-response.js';

/** A complete answer a hook can give instead of the upstream (a cache hit, a refusal). */
export type GatewayResponse = ChatCompletionResponse | EmbeddingResponse | RerankResponse | ImageGenerationResponse | ModerationResponse | TranscriptionResponse;

/**
 * The hook of each lifecycle phase, in the order the engine runs them for every request:
 *
 * 1. `auth` — set `context.principal` (or throw 401/403). Runs until a hook sets a principal.
 * 2. `route` — set `context.targets`; the config's model table runs last, if no hook set targets.
 * 3. `transform.request` — guardrails, rewrites (`context.replaceRequest`), cache lookups; returning a
 *    response short-circuits: no budget, no upstream, no `transform.response`. Also runs before
 *    Anthropic token counting, whose text leaves too (there an answer is set aside).
 * 4. `budget.reserve` — rate limits and worst-case budget reservation (may throw 429).
 * 5. (dispatch to the targets)
 * 6. `transform.response` — a whole answer, decoded; return a replacement or nothing (the upstream's
 *    bytes go out unless a hook returned a replacement: never change the answer in place).
 *    `transform.chunk` — each streamed chunk; return a replacement, `null` to drop it, or nothing.
 *    Registering it turns off the byte passthrough for streams (see `context.leaveAnswerUnread`).
 * 7. `budget.settle` — after the answer ended (or failed), exactly once if `budget.reserve` started
 *    (also when a reserve hook refused: an earlier one may hold a budget).
 * 8. `log` — after the answer was sent; errors are logged, never returned to the client.
 */
export interface HookMap {
  auth: (context: GatewayContext) => void | Promise<void>;
  route: (context: GatewayContext) => void | Promise<void>;
  'transform.request': (context: GatewayContext) => void | GatewayResponse | Promise<void | GatewayResponse>;
  'budget.reserve': (context: GatewayContext) => void | Promise<void>;
  'transform.response': (context: GatewayContext, response: GatewayResponse) => void | GatewayResponse | Promise<void | GatewayResponse>;
  'transform.chunk': (context: GatewayContext, chunk: ChatCompletionChunk) => ChatCompletionChunk | null | void;
  'budget.settle': (context: GatewayContext) => void | Promise<void>;
  log: (context: GatewayContext) => void | Promise<void>;
}

/** A lifecycle phase name. */
export type HookPhase = keyof HookMap;

/** Every phase, in lifecycle order. */
export const hookPhases: readonly HookPhase[] = [
  'auth',
  'route',
  'transform.request',
  'budget.reserve',
  'transform.response',
  'transform.chunk',
  'budget.settle',
  'log',
];
