import type { MockReplyBasics } from './mock-reply-basics.js';

/** A function call the Gemini mock answers with, as a `functionCall` part. */
export interface MockFunctionCall {
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Gemini 3 models send an id; older ones none. */
  readonly id?: string;
}

/** One programmed Gemini answer; anything left out takes the mock's faithful default. */
export interface MockGeminiReply extends MockReplyBasics {
  /** An error in Google's shape; the HTTP status follows `status` (`RESOURCE_EXHAUSTED` → 429). */
  readonly error?: { readonly status: string; readonly message: string; readonly details?: readonly unknown[] };
  /** The text of a default answer. */
  readonly content?: string;
  /** `functionCall` parts after the text. */
  readonly functionCalls?: readonly MockFunctionCall[];
  /** A thought summary part (`thought: true`) before the text, when the request asks for them (`thinkingConfig.includeThoughts`); its tokens are counted either way. */
  readonly thought?: string;
  /** Overrides the finish reason (`SAFETY`, `RECITATION`, `MALFORMED_FUNCTION_CALL`). */
  readonly finishReason?: string;
  /** Blocks the prompt: no candidates, `promptFeedback.blockReason` set. */
  readonly blockReason?: string;
  /** The tier the answer says it was served at (`x-gemini-service-tier`): a priority request past its limit is served at `standard`. */
  readonly serviceTier?: 'standard' | 'flex' | 'priority';
  readonly usage?: {
    readonly promptTokenCount?: number;
    readonly candidatesTokenCount?: number;
    readonly cachedContentTokenCount?: number;
    readonly thoughtsTokenCount?: number;
  };
  /** Shape of a streamed answer, counted in SSE events. */
  readonly stream?: {
    readonly chunkDelayMs?: number;
    /** Destroy the connection after this many events. */
    readonly failAfter?: number;
    /** Stop sending after this many events, keeping the connection open. */
    readonly hangAfter?: number;
    /** Send an error event (`{"error":{…}}`, INTERNAL by default) after this many events, then end. */
    readonly errorAfter?: number;
    readonly errorStatus?: string;
  };
}
