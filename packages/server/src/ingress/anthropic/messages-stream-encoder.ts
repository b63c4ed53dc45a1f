import { upstreamFormats, type ChatCompletionChunk, type FinishReason, type ReasoningDetail, type UpstreamItem, type Usage } from '@tollgate/core';
import { stopOf, toMessagesUsage } from './to-messages-response.js';

/** The kinds of content block a Messages answer streams. */
type BlockKind = 'thinking' | 'redacted_thinking' | 'text' | 'tool_use' | 'upstream';

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Turns chat completion chunks into Messages API stream events, in the order the Anthropic SDK
 * expects: message_start; per block content_block_start, deltas (`thinking_delta` and
 * `signature_delta` for Claude's own reasoning blocks, `text_delta`, `input_json_delta`; Claude's
 * server tool blocks whole),
 * content_block_stop; then message_delta (stop reason and usage) and message_stop once the stream
 * ended. One encoder per stream.
 */
export class MessagesStreamEncoder {
  #started = false;
  #blockIndex = -1;
  #openBlock: BlockKind | undefined;
  /** The `reasoning_details` index of the open thinking block. */
  #openReasoning: number | undefined;
  #finishReason: FinishReason | null = null;
  /** The stop sequence that ended the answer, where one did (see `stopOf`). */
  #stopReason: string | number | null | undefined;
  #usage: Usage | undefined;

  /** The events for one chunk (possibly none). */
  encode(chunk: ChatCompletionChunk): string {
    let out = '';
    if (!this.#started) {
      this.#started = true;
      out += event('message_start', {
        message: { id: chunk.id.startsWith('msg_') ? chunk.id : `msg_${chunk.id}`, type: 'message', role: 'assistant', content: [], model: chunk.model, stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
      });
    }
    if (chunk.usage != null) this.#usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) return out;
    const { content, tool_calls: toolCalls, reasoning_details: reasoning, upstream_items: items } = choice.delta;
    if (reasoning !== undefined) out += this.#reasoning(reasoning);
    if (items !== undefined) out += this.#upstreamItems(items);
    if (typeof content === 'string' && content !== '') {
      if (this.#openBlock !== 'text') out += this.#startBlock({ type: 'text', text: '' }, 'text');
      out += event('content_block_delta', { index: this.#blockIndex, delta: { type: 'text_delta', text: content } });
    }
    for (const call of toolCalls ?? []) {
      if (call.id !== undefined) out += this.#startBlock({ type: 'tool_use', id: call.id, name: call.function?.name ?? '', input: {} }, 'tool_use');
      const fragment = call.function?.arguments;
      if (fragment !== undefined && fragment !== '' && this.#openBlock === 'tool_use') {
        out += event('content_block_delta', { index: this.#blockIndex, delta: { type: 'input_json_delta', partial_json: fragment } });
      }
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      this.#finishReason = choice.finish_reason;
      this.#stopReason = choice.stop_reason;
      out += this.#closeBlock();
    }
    return out;
  }

  /** The closing events, once the upstream stream ended. */
  finish(): string {
    return (
      this.#closeBlock() +
      event('message_delta', { delta: stopOf(this.#finishReason, this.#stopReason), usage: toMessagesUsage(this.#usage) }) +
      event('message_stop', {})
    );
  }

  /** Claude's reasoning pieces as its thinking blocks: a new index opens a block; text and signature go as their deltas. */
  #reasoning(pieces: readonly ReasoningDetail[]): string {
    let out = '';
    for (const piece of pieces) {
      if (piece.format !== upstreamFormats.anthropic) continue;
      if (piece.type === 'reasoning.encrypted') {
        out += this.#startBlock({ type: 'redacted_thinking', data: piece.data }, 'redacted_thinking');
        this.#openReasoning = piece.index;
      } else if (piece.type === 'reasoning.text') {
        if (this.#openBlock !== 'thinking' || this.#openReasoning !== piece.index) {
          out += this.#startBlock({ type: 'thinking', thinking: '', signature: '' }, 'thinking');
          this.#openReasoning = piece.index;
        }
        if (piece.text !== undefined && piece.text !== '') out += event('content_block_delta', { index: this.#blockIndex, delta: { type: 'thinking_delta', thinking: piece.text } });
        if (piece.signature) out += event('content_block_delta', { index: this.#blockIndex, delta: { type: 'signature_delta', signature: piece.signature } });
      }
    }
    return out;
  }

  /** Claude's blocks with no canonical field (server tool use and results), each whole, in its place. */
  #upstreamItems(items: readonly UpstreamItem[]): string {
    let out = '';
    for (const { format, item } of items) {
      if (format === upstreamFormats.anthropic) out += this.#startBlock(item, 'upstream') + this.#closeBlock();
    }
    return out;
  }

  #startBlock(block: Readonly<Record<string, unknown>>, kind: BlockKind): string {
    const closed = this.#closeBlock();
    this.#blockIndex += 1;
    this.#openBlock = kind;
    return closed + event('content_block_start', { index: this.#blockIndex, content_block: block });
  }

  #closeBlock(): string {
    if (this.#openBlock === undefined) return '';
    this.#openBlock = undefined;
    this.#openReasoning = undefined;
    return event('content_block_stop', { index: this.#blockIndex });
  }
}
