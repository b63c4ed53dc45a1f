import { describe, expect, it } from 'vitest';
import { definePlugin, z, type ChatCompletionRequest, type Provider, type ProviderCallOptions, type ProviderChatResult, type ProviderStream } from '@tollgate/core';
import { createMockOpenAI } from '../create-mock-openai.js';
import { ConformanceFailure } from './conformance-failure.js';
import { providerConformanceChecks } from './provider-conformance.js';
import { openAIConformanceUpstream } from './upstream-adapters.js';

/** A provider that gets the contract wrong in every way the checks look for. */
class SloppyProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'sloppy';
  constructor(
    readonly name: string,
    readonly options: { baseURL: string; apiKey: string },
  ) {}

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    // No signal passed: a client that leaves does not end the call.
    const response = await fetch(`${this.options.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, model: options.model, stream: false }) });
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    if (!response.ok) throw new Error(`upstream said ${JSON.stringify(body)} with key ${this.options.apiKey}`);
    // Usage dropped.
    return { response: { id: 'x', object: 'chat.completion', created: 0, model: options.model, choices: [{ index: 0, message: { role: 'assistant', content: body.choices[0]!.message.content }, finish_reason: 'stop' }] } };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const whole = await this.doChat(request, options);
    const text = whole.response.choices[0]!.message.content ?? '';
    // One chunk, no finish reason, no usage.
    async function* chunks() {
      yield { id: 'x', object: 'chat.completion.chunk' as const, created: 0, model: options.model, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] };
    }
    return { type: 'chunks', chunks: chunks() };
  }
}

const sloppyPlugin = definePlugin({
  name: 'sloppy-provider',
  setup(api) {
    api.registerProvider('sloppy', { options: z.strictObject({ baseURL: z.string(), apiKey: z.string() }), create: (options, init) => new SloppyProvider(init.name, options) });
  },
});

const secret = 'sk-sloppy-secret-0123456789';
const checks = providerConformanceChecks({
  plugin: sloppyPlugin,
  type: 'sloppy',
  startUpstream: async () => {
    const mock = await createMockOpenAI();
    return openAIConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: 'm', secret });
  },
});

describe('the provider conformance checks', () => {
  it('fail a provider that breaks the contract, naming the contract point and the fix', async () => {
    const outcomes: Record<string, string> = {};
    for (const check of checks) {
      outcomes[check.name] = await check.run().then(
        () => 'passed',
        (error: unknown) => (error instanceof ConformanceFailure ? error.message : `not a ConformanceFailure: ${String(error)}`),
      );
    }
    expect(Object.keys(outcomes)).toHaveLength(7);
    expect(outcomes['answers a chat request with the text, a finish reason and usage']).toMatch(/usage is reported[\s\S]*fix: {2}Fill response.usage/);
    expect(outcomes['streams the text as chunks, ends with a finish reason, and reports usage']).toMatch(/a stream ends with a finish reason/);
    expect(outcomes['maps 429 to a retryable error that keeps retry-after']).toMatch(/429 is a retryable 429[\s\S]*seen: status 500/);
    expect(outcomes['maps 400 to a non-retryable error that keeps the upstream message']).toMatch(/400 is a non-retryable 400/);
    expect(outcomes['maps 5xx to a retryable error']).toMatch(/5xx is retryable/);
    expect(outcomes['never shows its key in an error']).toMatch(/a refused provider key is the gateway's problem/);
    expect(outcomes['aborts the upstream request when the client goes away']).toMatch(/a call ends when its client leaves[\s\S]*fix: {2}Pass options.signal/);
  }, 30_000);
});
