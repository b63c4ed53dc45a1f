import { GatewayError, ProviderError, upstreamFormats, redactSecrets, type ChatCompletionChunk, type ChatCompletionChunkChoice, type ReasoningDetail, type StreamSummary, type Usage } from '@tollgate/core';
import type { AnthropicUsage } from './anthropic-messages.js';
import { statusOfAnthropicErrorType } from './anthropic-error-status.js';
import { parseStreamEvent, sseMessages } from './sse-messages.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { anthropicServiceTier, mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

interface StreamState {
  id: string;
  model: string;
  usage: AnthropicUsage;
  /** Anthropic content block index → OpenAI tool call index. */
  toolIndexes: Map<number, number>;
  nextToolIndex: number;
  /** Anthropic content block index → the thinking block's index among the answer's `reasoning_details`. */
  reasoningIndexes: Map<number, number>;
  /** Blocks with no canonical field (server tool use and results), by index, with their input's JSON so far. */
  otherBlocks: Map<number, { readonly block: Record<string, unknown>; json: string }>;
}

/** Block types the canonical form has fields for; any other goes whole as an upstream item. */
const translatedBlocks = new Set(['text', 'thinking', 'redacted_thinking', 'tool_use']);

/** A piece of a thinking block as a `reasoning_details` entry. */
function thinkingPiece(state: StreamState, blockIndex: number, piece: { text: string } | { signature: string }): ReasoningDetail {
  return { type: 'reasoning.text', ...piece, format: upstreamFormats.anthropic, index: reasoningIndexOf(state, blockIndex) };
}

/** The reasoning index of an Anthropic content block, assigned in the order the blocks start. */
function reasoningIndexOf(state: StreamState, blockIndex: number): number {
  let index = state.reasoningIndexes.get(blockIndex);
  if (index === undefined) state.reasoningIndexes.set(blockIndex, (index = state.reasoningIndexes.size));
  return index;
}

/** Options of {@link convertAnthropicStream} and {@link convertAnthropicEvents}. */
export interface AnthropicConversionOptions {
  readonly provider: string;
  readonly secrets: readonly string[];
  /** Where the usage the stream has said so far goes (message_start's, then message_delta's): a stream cut before its end is charged by it. */
  readonly summary?: StreamSummary;
}

/**
 * Translates an Anthropic SSE stream into `chat.completion.chunk`s: message_start → the role chunk;
 * `text_delta` → content; a `tool_use` block start → a tool call with its id and name, its
 * `input_json_delta`s → argument fragments (which reassemble to the exact JSON); `thinking_delta` →
 * `reasoning_content` and a `reasoning_details` piece, `signature_delta` → the piece with the
 * block's signature, a `redacted_thinking` block → an encrypted piece (format `anthropic-claude-v1`);
 * any other block (a server tool's use and its result) → an upstream item, whole at its block's end;
 * message_delta → the finish chunk; message_stop → a usage chunk (cache reads and writes apart).
 * `ping` is skipped. An `error` event, or an end before message_stop, fails the stream.
 */
export function convertAnthropicStream(body: AsyncIterable<Buffer>, options: AnthropicConversionOptions): AsyncGenerator<ChatCompletionChunk> {
  return convertAnthropicEvents(parsedEvents(body, options.provider), options);
}

/** The events of an Anthropic SSE stream, parsed. */
async function* parsedEvents(body: AsyncIterable<Buffer>, provider: string): AsyncGenerator<Record<string, any>> {
  for await (const event of sseMessages(body)) yield parseStreamEvent(event.data, provider) as Record<string, any>;
}

/**
 * Translates Messages API stream events, parsed (from Anthropic's SSE, or from Bedrock's InvokeModel
 * stream for Claude), into `chat.completion.chunk`s, as {@link convertAnthropicStream} describes.
 */
export async function* convertAnthropicEvents(events: AsyncIterable<Record<string, any>>, options: AnthropicConversionOptions): AsyncGenerator<ChatCompletionChunk> {
  const state: StreamState = { id: '', model: '', usage: {}, toolIndexes: new Map(), nextToolIndex: 0, reasoningIndexes: new Map(), otherBlocks: new Map() };
  let stopped = false;
  const chunk = (delta: ChatCompletionChunkChoice['delta'], finishReason: ChatCompletionChunkChoice['finish_reason'] = null): ChatCompletionChunk => ({
    id: state.id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });

  for await (const data of events) {
    switch (data.type) {
      case 'message_start':
        state.id = data.message.id;
        state.model = data.message.model;
        state.usage = { ...data.message.usage };
        if (options.summary !== undefined) options.summary.usage = mapAnthropicUsage(state.usage);
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = data.content_block;
        if (block.type === 'tool_use') {
          const toolIndex = state.nextToolIndex++;
          state.toolIndexes.set(data.index, toolIndex);
          yield chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
        } else if (block.type === 'text' && block.text) {
          yield chunk({ content: block.text });
        } else if (block.type === 'redacted_thinking') {
          yield chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: String(block.data), format: upstreamFormats.anthropic, index: reasoningIndexOf(state, data.index) }] });
        } else if (!translatedBlocks.has(block.type)) {
          state.otherBlocks.set(data.index, { block, json: '' });
        }
        break;
      }
      case 'content_block_stop': {
        const other = state.otherBlocks.get(data.index);
        if (other === undefined) break;
        state.otherBlocks.delete(data.index);
        const item = other.json === '' ? other.block : { ...other.block, input: JSON.parse(other.json) };
        yield chunk({ upstream_items: [{ format: upstreamFormats.anthropic, item }] });
        break;
      }
      case 'content_block_delta': {
        const delta = data.delta;
        if (delta.type === 'text_delta') yield chunk({ content: delta.text });
        else if (delta.type === 'thinking_delta') yield chunk({ reasoning_content: delta.thinking, reasoning_details: [thinkingPiece(state, data.index, { text: delta.thinking })] });
        else if (delta.type === 'signature_delta') yield chunk({ reasoning_details: [thinkingPiece(state, data.index, { signature: delta.signature })] });
        else if (delta.type === 'input_json_delta' && delta.partial_json !== '') {
          const toolIndex = state.toolIndexes.get(data.index);
          if (toolIndex !== undefined) yield chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] });
          const other = state.otherBlocks.get(data.index);
          if (other !== undefined) other.json += delta.partial_json;
        }
        break;
      }
      case 'message_delta': {
        state.usage = mergeAnthropicUsage(state.usage, data.usage);
        if (options.summary !== undefined) options.summary.usage = mapAnthropicUsage(state.usage);
        const finished = chunk({}, mapAnthropicStopReason(data.delta?.stop_reason));
        // The stop sequence that ended Claude's answer, as vLLM reports one.
        const sequence = data.delta?.stop_sequence;
        yield typeof sequence === 'string' ? { ...finished, choices: [{ ...finished.choices[0]!, stop_reason: sequence }] } : finished;
        break;
      }
      case 'message_stop': {
        stopped = true;
        const usage: Usage = mapAnthropicUsage(state.usage);
        const tier = anthropicServiceTier(state.usage);
        yield { ...chunk({}), choices: [], usage, ...(tier === undefined ? {} : { service_tier: tier }) };
        break;
      }
      case 'error': {
        const type: string | undefined = data.error?.type;
        const message = redactSecrets(String(data.error?.message ?? 'stream error'), options.secrets);
        throw new ProviderError(`Provider "${options.provider}" sent a stream error (${type}): ${message}`, {
          provider: options.provider,
          upstreamStatus: statusOfAnthropicErrorType(type),
          ...(type === undefined ? {} : { upstreamCode: type }),
        });
      }
      default:
        break; // ping, unknown future events
    }
  }
  if (!stopped) {
    throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before message_stop; the answer is incomplete.`);
  }
}
