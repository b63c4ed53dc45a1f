import { GatewayError, upstreamFormats, type ChatCompletionChunk, type ChatCompletionChunkChoice } from '@tollgate/core';
import type { BedrockUsage } from './bedrock-content.js';
import { toBedrockStreamError } from './bedrock-error.js';
import { decodeEventStream } from './decode-event-stream.js';
import { jsonResponseToolName } from './json-response-tool.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

/**
 * Translates a ConverseStream (binary event stream) into `chat.completion.chunk`s: messageStart → the
 * role chunk; text deltas → content; a `toolUse` block start → a tool call with its id and name, its
 * `toolUse.input` deltas → argument fragments (the JSON-response tool's fragments → content instead);
 * reasoning text → `reasoning_content` and a `reasoning_details` piece, its signature and redacted
 * reasoning → pieces too (format `anthropic-claude-v1`); messageStop → the finish chunk; metadata → the usage chunk
 * (cache reads and writes apart). An exception frame, or an end before messageStop, fails the stream.
 */
export async function* convertBedrockStream(body: AsyncIterable<Uint8Array>, options: { provider: string; id: string; model: string; secrets: readonly string[] }): AsyncGenerator<ChatCompletionChunk> {
  /** Converse content block index → OpenAI tool call index, or 'json' for the JSON-response tool. */
  const blocks = new Map<number, number | 'json'>();
  let nextToolIndex = 0;
  /** Converse content block index → the reasoning block's index among `reasoning_details`. */
  const reasoningBlocks = new Map<number, number>();
  const reasoningIndex = (blockIndex: number) => {
    let index = reasoningBlocks.get(blockIndex);
    if (index === undefined) reasoningBlocks.set(blockIndex, (index = reasoningBlocks.size));
    return index;
  };
  let stopped = false;
  let answeredAsJson = false;
  let usage: BedrockUsage | undefined;
  const chunk = (delta: ChatCompletionChunkChoice['delta'], finishReason: ChatCompletionChunkChoice['finish_reason'] = null): ChatCompletionChunk => ({
    id: options.id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: options.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });

  for await (const message of decodeEventStream(body, options.provider)) {
    if (message.messageType !== 'event') throw toBedrockStreamError(options.provider, message.type, message.payload, options.secrets);
    let data: any;
    try {
      data = JSON.parse(message.payload);
    } catch (error) {
      throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${options.provider}" sent a stream event that is not JSON.`, { cause: error });
    }
    switch (message.type) {
      case 'messageStart':
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'contentBlockStart': {
        const toolUse = data.start?.toolUse;
        if (toolUse === undefined) break;
        if (toolUse.name === jsonResponseToolName) {
          blocks.set(data.contentBlockIndex, 'json');
          answeredAsJson = true;
          break;
        }
        const toolIndex = nextToolIndex++;
        blocks.set(data.contentBlockIndex, toolIndex);
        yield chunk({ tool_calls: [{ index: toolIndex, id: toolUse.toolUseId, type: 'function', function: { name: toolUse.name, arguments: '' } }] });
        break;
      }
      case 'contentBlockDelta': {
        const delta = data.delta ?? {};
        if (typeof delta.text === 'string') yield chunk({ content: delta.text });
        else if (delta.reasoningContent !== undefined) {
          const piece = delta.reasoningContent;
          const common = { format: upstreamFormats.anthropic, index: reasoningIndex(data.contentBlockIndex) };
          if (typeof piece.text === 'string') yield chunk({ reasoning_content: piece.text, reasoning_details: [{ type: 'reasoning.text', text: piece.text, ...common }] });
          else if (typeof piece.signature === 'string') yield chunk({ reasoning_details: [{ type: 'reasoning.text', signature: piece.signature, ...common }] });
          else if (typeof piece.redactedContent === 'string') yield chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: piece.redactedContent, ...common }] });
        }
        else if (typeof delta.toolUse?.input === 'string' && delta.toolUse.input !== '') {
          const target = blocks.get(data.contentBlockIndex);
          if (target === 'json') yield chunk({ content: delta.toolUse.input });
          else if (target !== undefined) yield chunk({ tool_calls: [{ index: target, function: { arguments: delta.toolUse.input } }] });
        }
        break;
      }
      case 'messageStop':
        stopped = true;
        yield chunk({}, answeredAsJson && nextToolIndex === 0 ? 'stop' : mapBedrockStopReason(data.stopReason));
        break;
      case 'metadata':
        usage = data.usage;
        break;
      default:
        break; // contentBlockStop, future events
    }
  }
  if (!stopped) {
    throw new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${options.provider}" ended its stream before messageStop; the answer is incomplete.`);
  }
  if (usage !== undefined) yield { ...chunk({}), choices: [], usage: mapBedrockUsage(usage) };
}
