import type { MockReplyBasics } from './mock-reply-basics.js';

/** A tool call the Bedrock mock answers with, as a `toolUse` content block. */
export interface MockBedrockToolUse {
  readonly name: string;
  readonly input: unknown;
  readonly toolUseId?: string;
}

/** One programmed Bedrock answer; anything left out takes the mock's faithful default. */
export interface MockBedrockReply extends MockReplyBasics {
  /** An error: its type (`ThrottlingException`) in `x-amzn-ErrorType`, `{"message"}` as the body; status by type. */
  readonly error?: { readonly type: string; readonly message: string };
  /** The text of a default answer. */
  readonly content?: string;
  /** `toolUse` blocks after the text (the stop reason becomes `tool_use`). */
  readonly toolUses?: readonly MockBedrockToolUse[];
  /** A `reasoningContent` block before the text. */
  readonly reasoning?: string;
  /** Overrides the stop reason (`guardrail_intervened`, `max_tokens`). */
  readonly stopReason?: string;
  readonly usage?: {
    readonly inputTokens?: number;
    readonly outputTokens?: number;
    readonly cacheReadInputTokens?: number;
    readonly cacheWriteInputTokens?: number;
  };
  /** Shape of a streamed answer, counted in event frames. */
  readonly stream?: {
    readonly chunkDelayMs?: number;
    /** Destroy the connection after this many frames. */
    readonly failAfter?: number;
    /** Stop sending after this many frames, keeping the connection open. */
    readonly hangAfter?: number;
    /** Send an exception frame (`throttlingException` by default) after this many frames, then end. */
    readonly errorAfter?: number;
    readonly exceptionType?: string;
    /** Fragments each tool input's JSON is split into (`toolUse.input` deltas). */
    readonly inputJsonPieces?: number;
  };
}
