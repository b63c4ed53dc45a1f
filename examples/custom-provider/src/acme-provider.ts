import type { ChatCompletionRequest, ChatCompletionResponse, Provider, ProviderCallOptions, ProviderChatResult, ProviderStream } from '@tollgate/core';
import { z } from '@tollgate/core';
import { HttpUpstream, decodeOpenAICompatibleSse, parseUpstreamJson, toOpenAICompatibleError } from '@tollgate/provider-utils';
import type { AcmeOptions } from './options.js';

const responseSchema = z.looseObject({ choices: z.array(z.unknown()) });

/**
 * The acme upstream. This scaffold assumes an OpenAI-compatible wire; for another format, translate
 * the request in #body, the answer in doChat, and the stream in doStream (see @tollgate/provider-anthropic).
 */
export class AcmeProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'acme';
  readonly name: string;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: string[];

  constructor(name: string, options: AcmeOptions) {
    this.name = name;
    this.#upstream = new HttpUpstream({ provider: name, baseURL: options.baseURL, timeouts: options.timeouts });
    this.#headers = { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` };
    this.#secrets = [options.apiKey];
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post(this.#body(request, options, false), options);
    const response = parseUpstreamJson(await body.bytes(), responseSchema, { provider: this.name, expected: 'a chat.completion' });
    return { response: response as ChatCompletionResponse };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const body = await this.#post(this.#body(request, options, true), options);
    const toStreamError = (data: string) => toOpenAICompatibleError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#secrets });
    return { type: 'chunks', chunks: decodeOpenAICompatibleSse(body, { provider: this.name, toStreamError }) };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  #body(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): string {
    return JSON.stringify({ ...request, model: options.model, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
  }

  #post(body: string, options: ProviderCallOptions) {
    return this.#upstream.post({
      path: '/chat/completions',
      headers: this.#headers,
      body,
      options,
      toError: (status, headers, bodyText) => toOpenAICompatibleError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
  }
}
