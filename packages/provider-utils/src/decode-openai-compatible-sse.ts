import { GatewayError, z, type ChatCompletionChunk } from '@tollgate/core';
import { parseStreamEvent, sseMessages } from './sse-messages.js';

const chunkSchema = z.looseObject({ choices: z.array(z.unknown()).nullish() });

/**
 * Decodes an OpenAI-compatible SSE stream into chunks (for hooks that read them, or a client of
 * another wire format). Comments are skipped (eventsource-parser); an error event — OpenAI's
 * `{"error":…}` or a chunk with an `error` field — or an end before `data: [DONE]` fails the stream.
 */
export async function* decodeOpenAICompatibleSse(body: AsyncIterable<Buffer>, options: { provider: string; toStreamError: (data: string) => Error }): AsyncGenerator<ChatCompletionChunk> {
  let sawDone = false;
  for await (const event of sseMessages(body)) {
    if (event.data === '[DONE]') {
      sawDone = true;
      continue;
    }
    const parsed = parseStreamEvent(event.data, options.provider);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && (parsed as { error: unknown }).error != null) {
      throw options.toStreamError(event.data);
    }
    const checked = chunkSchema.safeParse(parsed);
    if (!checked.success) {
      throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${options.provider}" sent a stream event that is not a chat.completion.chunk.`);
    }
    const chunk = parsed as ChatCompletionChunk & { choices: ChatCompletionChunk['choices'] | null };
    yield chunk.choices === null || chunk.choices === undefined ? { ...chunk, choices: [] } : chunk;
  }
  if (!sawDone) {
    throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before "data: [DONE]"; the answer is incomplete.`);
  }
}
