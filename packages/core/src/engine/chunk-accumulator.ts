import type { ToolCall } from '../types/chat-message.js';
import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';
import type { ChatCompletionChoice, ChatCompletionResponse, FinishReason, GeneratedImage } from '../types/chat-completion-response.js';
import type { Usage } from '../types/usage.js';

/** One choice as its deltas add up. */
interface ChoiceSoFar {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  images: GeneratedImage[];
  finishReason: FinishReason | null;
}

/**
 * Adds up a stream's chunks into the complete answer they spell (content concatenated, tool calls
 * assembled by index from their argument fragments, images in order, finish reasons and usage kept) — the inverse of
 * `responseToChunks`. For a cache that stores streamed answers, or a guardrail that judges one whole.
 */
export class ChunkAccumulator {
  readonly #choices = new Map<number, ChoiceSoFar>();
  #id = '';
  #created = 0;
  #model = '';
  #usage: Usage | undefined;

  add(chunk: ChatCompletionChunk): void {
    this.#id ||= chunk.id;
    this.#created ||= chunk.created;
    this.#model ||= chunk.model;
    if (chunk.usage != null) this.#usage = chunk.usage;
    for (const choice of chunk.choices) {
      let soFar = this.#choices.get(choice.index);
      if (soFar === undefined) this.#choices.set(choice.index, (soFar = { content: null, toolCalls: [], images: [], finishReason: null }));
      if (typeof choice.delta.content === 'string') soFar.content = (soFar.content ?? '') + choice.delta.content;
      for (const call of choice.delta.tool_calls ?? []) {
        const existing = (soFar.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        if (call.id !== undefined) existing.id = call.id;
        if (call.function?.name !== undefined) existing.name += call.function.name;
        if (call.function?.arguments !== undefined) existing.arguments += call.function.arguments;
      }
      for (const image of choice.delta.images ?? []) soFar.images.push({ type: image.type, image_url: image.image_url });
      if (choice.finish_reason !== null) soFar.finishReason = choice.finish_reason;
    }
  }

  /** True once every choice seen has a finish reason. */
  get finished(): boolean {
    return this.#choices.size > 0 && [...this.#choices.values()].every((choice) => choice.finishReason !== null);
  }

  /** The answer so far, as a non-streamed response. */
  toResponse(): ChatCompletionResponse {
    const choices: ChatCompletionChoice[] = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, choice]) => {
        const toolCalls: ToolCall[] = choice.toolCalls.filter(Boolean).map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
        const images = choice.images.length === 0 ? {} : { images: choice.images };
        return { index, message: { role: 'assistant', content: choice.content, ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }), ...images }, finish_reason: choice.finishReason };
      });
    return { id: this.#id, object: 'chat.completion', created: this.#created, model: this.#model, choices, ...(this.#usage === undefined ? {} : { usage: this.#usage }) };
  }
}
