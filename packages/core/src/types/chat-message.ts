import type { ReasoningDetail } from './reasoning-detail.js';

/** A text part of a multi-part message content. */
export interface TextContentPart {
  readonly type: 'text';
  readonly text: string;
}

/** An image part: an https URL or a `data:` URL with base64 content. */
export interface ImageContentPart {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' };
}

/**
 * A prompt already tokenized: the legacy completions API's `prompt` as token ids (evaluation
 * harnesses send them), which only a server of that API takes as the client sent it. No guardrail
 * reads it; budgets count one token an id.
 */
export interface TokenIdsContentPart {
  readonly type: 'token_ids';
  readonly token_ids: readonly number[];
}

/** Any other content part a provider may understand (audio, files); passed through untouched. */
export interface OtherContentPart {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** One part of a message's content array. */
export type ContentPart = TextContentPart | ImageContentPart | TokenIdsContentPart | OtherContentPart;

/** A function call the assistant asked for, with its arguments as a JSON string. */
export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A system (or developer) instruction. */
export interface SystemMessage {
  readonly role: 'system' | 'developer';
  readonly content: string | readonly TextContentPart[];
  readonly name?: string;
}

/** A message written by the end user. */
export interface UserMessage {
  readonly role: 'user';
  readonly content: string | readonly ContentPart[];
  readonly name?: string;
}

/** A previous answer of the model, possibly with tool calls. */
export interface AssistantMessage {
  readonly role: 'assistant';
  readonly content?: string | readonly TextContentPart[] | null;
  readonly tool_calls?: readonly ToolCall[];
  readonly refusal?: string | null;
  readonly name?: string;
  /** The answer's reasoning as it came (signed thinking), sent back so the model resumes it; see {@link ReasoningDetail}. */
  readonly reasoning_details?: readonly ReasoningDetail[];
}

/** The result of a tool call, answering the call with `tool_call_id`. */
export interface ToolMessage {
  readonly role: 'tool';
  readonly content: string | readonly TextContentPart[];
  readonly tool_call_id: string;
}

/** One message of a chat conversation, in OpenAI's chat completions shape. */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
