import type { ChatCompletionChunk, ChatCompletionRequest, ChatCompletionResponse, EmbeddingRequest, Provider, ProviderCallOptions, ProviderChatResult, ProviderEmbedResult, ProviderStream } from '../index.js';

/** A call the recording provider received. */
export interface RecordedCall {
  readonly method: 'doChat' | 'doStream' | 'doEmbed';
  readonly request: ChatCompletionRequest | EmbeddingRequest;
  readonly options: ProviderCallOptions;
}

/** A provider for engine tests: records every call, answers from a script, can fail or hang. */
export class RecordingProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly calls: RecordedCall[] = [];
  /** Errors to throw on the next calls, in order. */
  readonly failures: unknown[] = [];
  /** Chunks to stream; `hang` waits on the abort signal after the first chunk. */
  streamPlan: { chunks: number; hangAfterFirst?: boolean; failAfter?: number } = { chunks: 3 };
  /** Set when the abort signal of a call fired. */
  abortedCalls = 0;

  constructor(readonly name: string, readonly wire = 'test') {}

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    this.calls.push({ method: 'doChat', request, options });
    this.#maybeFail();
    return { response: completion(options.model), ...(options.passthrough ? { body: new TextEncoder().encode('raw') } : {}) };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    this.calls.push({ method: 'doStream', request, options });
    this.#maybeFail();
    options.signal.addEventListener('abort', () => (this.abortedCalls += 1), { once: true });
    const plan = this.streamPlan;
    const model = options.model;
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      for (let index = 0; index < plan.chunks; index += 1) {
        if (plan.failAfter === index) throw new Error('upstream broke');
        yield chunk(model, `part${index} `);
        if (plan.hangAfterFirst === true) {
          await new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true }));
        }
      }
      yield { ...chunk(model, ''), choices: [], usage: { prompt_tokens: 4, completion_tokens: plan.chunks, total_tokens: 4 + plan.chunks } };
    }
    return { type: 'chunks', chunks: chunks() };
  }

  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    this.calls.push({ method: 'doEmbed', request, options });
    this.#maybeFail();
    return { response: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], model: options.model, usage: { prompt_tokens: 2, total_tokens: 2 } } };
  }

  #maybeFail(): void {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
  }
}

function completion(model: string): ChatCompletionResponse {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };
}

function chunk(model: string, content: string): ChatCompletionChunk {
  return { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] };
}
