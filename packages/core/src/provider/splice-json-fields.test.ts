import { describe, expect, it } from 'vitest';
import { RequestContext } from '../context/request-context.js';
import { spliceJsonFields } from './splice-json-fields.js';

const bytes = (text: string) => Buffer.from(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : Buffer.from(value).toString('utf8'));

describe('spliceJsonFields', () => {
  it('adds the fields after the opening brace and keeps every other byte', () => {
    const body = ' \n{ "model": "m",\t"messages": [{"content": "caf\\u00e9 ☕"}] }';
    const spliced = text(spliceJsonFields(bytes(body), { max_tokens: 64, stream_options: { include_usage: true } }));
    expect(spliced).toBe('{"max_tokens":64,"stream_options":{"include_usage":true}, "model": "m",\t"messages": [{"content": "caf\\u00e9 ☕"}] }');
    expect(JSON.parse(spliced!)).toEqual({ max_tokens: 64, stream_options: { include_usage: true }, model: 'm', messages: [{ content: 'café ☕' }] });
  });

  it('leaves no trailing comma in an empty object, skips undefined fields, and refuses what is not an object', () => {
    expect(text(spliceJsonFields(bytes('{ }'), { a: 1, b: undefined }))).toBe('{"a":1 }');
    expect(text(spliceJsonFields(bytes('{"a":1}'), { b: undefined }))).toBe('{"a":1}');
    expect(spliceJsonFields(bytes('[1]'), { a: 1 })).toBeUndefined();
  });
});

describe('RequestContext.addRequestFields', () => {
  const start = (body: string) => new RequestContext({ requestId: 'r', operation: 'chat', ingress: 'openai', request: JSON.parse(body), rawBody: bytes(body) });

  it('keeps the client bytes, with a field the request lacked spliced in', () => {
    const context = start('{"model":"m","messages":[]}');
    context.addRequestFields({ max_tokens: 100 });
    expect(context.request).toEqual({ model: 'm', messages: [], max_tokens: 100 });
    expect(text(context.rawBody)).toBe('{"max_tokens":100,"model":"m","messages":[]}');
    expect(context.requestReplaced).toBe(false);
  });

  it('sets a field the client set in its bytes, re-encoded once, and still counts them as the request', () => {
    const context = start('{"model":"m","messages":[{"role":"user","content":"caf\\u00e9"}],"max_tokens":5,"x_vendor":{"a":1}}');
    context.addRequestFields({ max_tokens: 100 });
    context.addRequestFields({ temperature: 0 });
    expect(context.request).toMatchObject({ max_tokens: 100, temperature: 0 });
    expect(text(context.rawBody)).toBe('{"model":"m","messages":[{"role":"user","content":"café"}],"max_tokens":100,"x_vendor":{"a":1},"temperature":0}');
    expect(context.rawBody).toBe(context.rawBody);
    expect(context.requestReplaced).toBe(false);
  });
});
