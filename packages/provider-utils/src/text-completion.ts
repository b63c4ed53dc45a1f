import type { ChatCompletionChunk, ChatCompletionResponse, FinishReason, Usage } from '@tollgate/core';
import { decodeOpenAICompatibleSse } from './decode-openai-compatible-sse.js';

/** One choice of a legacy completion (`text_completion`): its text in place of a message. */
interface TextCompletionChoice {
  readonly index?: number;
  readonly text?: string;
  readonly finish_reason?: FinishReason | null;
  readonly logprobs?: unknown;
}

/** A legacy completion (`POST /completions`), whole or one chunk of its stream. */
interface TextCompletion {
  readonly id?: string;
  readonly created?: number;
  readonly model?: string;
  readonly choices: readonly TextCompletionChoice[];
  readonly usage?: Usage | null;
  readonly system_fingerprint?: string | null;
}

/** Whether an upstream's answer is a legacy completion: choices with a `text` each. */
export function isTextCompletion(value: unknown): boolean {
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) if (typeof choice?.text !== 'string') return false;
  const model = (value as { model?: unknown }).model;
  return model === undefined || typeof model === 'string';
}

/**
 * A legacy completion as the canonical chat completion, for hooks, pricing and clients of other wire
 * formats: each choice's text the assistant message's content, its log probabilities kept as they are.
 */
export function chatCompletionOfTextCompletion(completion: unknown): ChatCompletionResponse {
  const answer = completion as TextCompletion;
  return {
    id: answer.id ?? '',
    object: 'chat.completion',
    created: answer.created ?? Math.floor(Date.now() / 1000),
    model: answer.model ?? '',
    choices: answer.choices.map((choice, position) => ({
      index: choice.index ?? position,
      message: { role: 'assistant', content: choice.text ?? '' },
      finish_reason: choice.finish_reason ?? null,
      logprobs: choice.logprobs ?? null,
    })),
    ...(answer.usage == null ? {} : { usage: answer.usage }),
    ...(answer.system_fingerprint === undefined ? {} : { system_fingerprint: answer.system_fingerprint }),
  };
}

/**
 * Decodes a legacy completion's SSE stream into canonical chunks (for hooks that read them, or a client
 * of another wire format): each piece of text a content delta; errors and a missing `[DONE]` fail it as
 * for chat streams.
 */
export async function* decodeTextCompletionSse(body: AsyncIterable<Buffer>, options: { provider: string; toStreamError: (data: string) => Error }): AsyncGenerator<ChatCompletionChunk> {
  for await (const decoded of decodeOpenAICompatibleSse(body, options)) {
    const chunk = decoded as unknown as TextCompletion;
    yield {
      id: chunk.id ?? '',
      object: 'chat.completion.chunk',
      created: chunk.created ?? 0,
      model: chunk.model ?? '',
      choices: chunk.choices.map((choice, position) => ({
        index: choice.index ?? position,
        delta: choice.text === undefined || choice.text === '' ? {} : { content: choice.text },
        finish_reason: choice.finish_reason ?? null,
        logprobs: choice.logprobs ?? null,
      })),
      ...(chunk.usage == null ? {} : { usage: chunk.usage }),
    };
  }
}
