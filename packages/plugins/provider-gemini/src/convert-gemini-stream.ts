import { GatewayError, type ChatCompletionChunk, type ChatCompletionChunkChoice } from '@tollgate/core';
import { parseStreamEvent, sseMessages } from '@tollgate/provider-utils';
import type { GeminiResponse, GeminiUsageMetadata } from './gemini-content.js';
import { toGeminiStreamError } from './gemini-error.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';
import { generatedImageOf } from './convert-from-gemini-response.js';
import { toToolCallId } from './gemini-tool-call-id.js';

/** What the stream has shown of one candidate so far. */
interface CandidateState {
  toolCalls: number;
  images: number;
  finished: boolean;
}

/**
 * Translates a `streamGenerateContent?alt=sse` stream into `chat.completion.chunk`s. Each event is a
 * whole `GenerateContentResponse`: the first one of a candidate brings the role chunk; text parts →
 * content, thought parts → `reasoning_content`, each image the model made → an `images` delta, each `functionCall` part → one tool call delta with its
 * id, name and complete arguments (Gemini sends a call whole); `finishReason` → the finish chunk; after
 * the last event a usage chunk (the last `usageMetadata` holds the totals). An event
 * `{"error":{…}}` fails the stream, as does an end before every candidate finished. `serviceTier`, the
 * tier the answer's headers name, is on every chunk.
 */
export async function* convertGeminiStream(body: AsyncIterable<Buffer>, options: { provider: string; model: string; secrets: readonly string[]; serviceTier?: string | undefined }): AsyncGenerator<ChatCompletionChunk> {
  const candidates = new Map<number, CandidateState>();
  let id = '';
  let model = options.model;
  let usage: GeminiUsageMetadata | undefined;
  let blocked = false;
  const chunk = (index: number, delta: ChatCompletionChunkChoice['delta'], finishReason: ChatCompletionChunkChoice['finish_reason'] = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    ...(options.serviceTier === undefined ? {} : { service_tier: options.serviceTier }),
    choices: [{ index, delta, finish_reason: finishReason }],
  });

  for await (const event of sseMessages(body)) {
    const data = parseStreamEvent(event.data, options.provider) as GeminiResponse & { error?: unknown };
    if (data.error !== undefined) throw toGeminiStreamError(options.provider, event.data, options.secrets);
    id = data.responseId ?? id;
    model = data.modelVersion ?? model;
    usage = data.usageMetadata ?? usage;
    if (data.promptFeedback?.blockReason !== undefined && (data.candidates ?? []).length === 0) {
      blocked = true;
      yield chunk(0, { role: 'assistant', content: '' });
      yield chunk(0, {}, 'content_filter');
      continue;
    }
    for (const [position, candidate] of (data.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (state === undefined) {
        state = { toolCalls: 0, images: 0, finished: false };
        candidates.set(index, state);
        yield chunk(index, { role: 'assistant', content: '' });
      }
      for (const part of candidate.content?.parts ?? []) {
        const image = generatedImageOf(part);
        if (image !== undefined) {
          yield chunk(index, { images: [{ ...image, index: state.images++ }] });
        } else if (part.functionCall !== undefined) {
          const toolIndex = state.toolCalls++;
          const callId = toToolCallId(part.functionCall.id, part.thoughtSignature, `${id}_${index}_${toolIndex}`);
          yield chunk(index, { tool_calls: [{ index: toolIndex, id: callId, type: 'function', function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) } }] });
        } else if (part.text !== undefined && part.text !== '') {
          yield chunk(index, part.thought === true ? { reasoning_content: part.text } : { content: part.text });
        }
      }
      if (candidate.finishReason !== undefined) {
        state.finished = true;
        yield chunk(index, {}, mapGeminiFinishReason(candidate.finishReason, state.toolCalls > 0));
      }
    }
  }
  const finished = blocked || (candidates.size > 0 && [...candidates.values()].every((state) => state.finished));
  if (!finished) {
    throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before a finish reason; the answer is incomplete.`);
  }
  yield { ...chunk(0, {}), choices: [], usage: mapGeminiUsage(usage) };
}
