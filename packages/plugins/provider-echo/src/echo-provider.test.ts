import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ProviderCallOptions } from '@tollgate/core';
import { EchoProvider } from './echo-provider.js';

const options = (signal = new AbortController().signal): ProviderCallOptions => ({ model: 'echo-1', signal, requestId: 'r', rawBody: undefined, passthrough: false, timeouts: {}, clientHeaders: {}, targetParams: undefined });
const provider = new EchoProvider('echo', { prefix: 'Echo: ', chunkDelayMs: 0, dimensions: 4 });

describe('EchoProvider', () => {
  it('echoes the last user message with usage, deterministically', async () => {
    const request = { model: 'echo', messages: [{ role: 'system' as const, content: 'be brief' }, { role: 'user' as const, content: 'hello world' }] };
    const first = await provider.doChat(request, options());
    const second = await provider.doChat(request, options());
    expect(first.response.choices[0]?.message.content).toBe('Echo: hello world');
    expect(first.response.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(second.response.choices).toEqual(first.response.choices);
  });

  it('counts a prompt as its answer counts it (count_tokens, input_tokens)', async () => {
    const request = { model: 'echo', messages: [{ role: 'system' as const, content: 'be brief' }, { role: 'user' as const, content: 'hello world' }] };
    expect(await provider.doCountTokens(request)).toEqual({ inputTokens: 4 });
    expect((await provider.doChat(request, options())).response.usage?.prompt_tokens).toBe(4);
  });

  it('honors max_tokens with finish_reason length', async () => {
    const result = await provider.doChat({ model: 'echo', max_tokens: 2, messages: [{ role: 'user', content: 'one two three four' }] }, options());
    expect(result.response.choices[0]).toMatchObject({ message: { content: 'Echo: one ' }, finish_reason: 'length' });
  });

  it('streams word by word, ending with finish and usage chunks', async () => {
    const stream = await provider.doStream({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'a b' }] }, options());
    if (stream.type !== 'chunks') throw new Error('expected chunks');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream.chunks) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Echo: a b');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
  });

  it('stops streaming when the client aborts', async () => {
    const slow = new EchoProvider('echo', { prefix: '', chunkDelayMs: 20, dimensions: 4 });
    const controller = new AbortController();
    const stream = await slow.doStream({ model: 'echo', messages: [{ role: 'user', content: 'a b c d e f' }] }, options(controller.signal));
    if (stream.type !== 'chunks') throw new Error('expected chunks');
    const iterator = stream.chunks[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toThrow();
  });

  it('embeds deterministically, as floats or base64', async () => {
    const floats = await provider.doEmbed({ model: 'e', input: ['x', 'y'] }, options());
    const again = await provider.doEmbed({ model: 'e', input: 'x', encoding_format: 'base64' }, options());
    expect(floats.response.data).toHaveLength(2);
    const vector = floats.response.data[0]!.embedding as number[];
    expect(vector).toHaveLength(4);
    const bytes = Buffer.from(again.response.data[0]!.embedding as string, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toEqual(vector.map((value) => Math.fround(value)));
  });
});
