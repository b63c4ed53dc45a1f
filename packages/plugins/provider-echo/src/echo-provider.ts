import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingRequest,
  Provider,
  ProviderCallOptions,
  ProviderChatResult,
  ProviderEmbedResult,
  ProviderStream,
  Usage,
} from '@tollgate/core';
import type { EchoProviderOptions } from './echo-provider-options.js';
import { countTokens, echoAnswer, messageText } from './echo-text.js';

/** A deterministic embedding: `dimensions` floats in [-1, 1] derived from the text's SHA-256. */
function embed(text: string, dimensions: number): number[] {
  const vector: number[] = [];
  let block = createHash('sha256').update(text).digest();
  while (vector.length < dimensions) {
    for (let index = 0; index + 4 <= block.length && vector.length < dimensions; index += 4) {
      vector.push(Math.fround(block.readUInt32LE(index) / 0xffffffff) * 2 - 1);
    }
    block = createHash('sha256').update(block).digest();
  }
  return vector;
}

/**
 * Answers without any network: the last user message echoed back, streamed word by word, with usage
 * (words counted as tokens). Embeddings are deterministic vectors. Honors `max_tokens` and the
 * client's abort signal.
 */
export class EchoProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'echo';
  readonly name: string;
  readonly #options: EchoProviderOptions;
  #sequence = 0;

  constructor(name: string, options: EchoProviderOptions) {
    this.name = name;
    this.#options = options;
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const { text, truncated } = echoAnswer(request, this.#options.prefix);
    return {
      response: {
        id: this.#nextId(),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: options.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: truncated ? 'length' : 'stop', logprobs: null }],
        usage: this.#usage(request, text),
      },
    };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    return { type: 'chunks', chunks: this.#chunks(request, options) };
  }

  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    const inputs = typeof request.input === 'string' ? [request.input] : request.input.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)));
    const dimensions = request.dimensions ?? this.#options.dimensions;
    const tokens = inputs.reduce((sum, input) => sum + countTokens(input), 0);
    return {
      response: {
        object: 'list',
        data: inputs.map((input, index) => {
          const vector = embed(input, dimensions);
          const embedding = request.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
          return { object: 'embedding', index, embedding };
        }),
        model: options.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  }

  async *#chunks(request: ChatCompletionRequest, options: ProviderCallOptions): AsyncGenerator<ChatCompletionChunk> {
    const { text, truncated } = echoAnswer(request, this.#options.prefix);
    const base = { id: this.#nextId(), object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model: options.model };
    yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
    for (const word of text.split(/(?<=\s)/)) {
      if (this.#options.chunkDelayMs > 0) await sleep(this.#options.chunkDelayMs, undefined, { signal: options.signal });
      options.signal.throwIfAborted();
      yield { ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] };
    }
    yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: truncated ? 'length' : 'stop' }] };
    yield { ...base, choices: [], usage: this.#usage(request, text) };
  }

  /** The prompt's tokens as its answers count them (its words): what Claude Code's `count_tokens` asks before it compacts. */
  async doCountTokens(request: ChatCompletionRequest): Promise<{ inputTokens: number }> {
    return { inputTokens: this.#promptTokens(request) };
  }

  #promptTokens(request: ChatCompletionRequest): number {
    return Math.max(1, request.messages.reduce((sum, message) => sum + countTokens(messageText(message)), 0));
  }

  #usage(request: ChatCompletionRequest, answer: string): Usage {
    const prompt = this.#promptTokens(request);
    const completion = countTokens(answer);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  #nextId(): string {
    this.#sequence += 1;
    return `chatcmpl-echo-${this.name}-${this.#sequence}`;
  }
}
