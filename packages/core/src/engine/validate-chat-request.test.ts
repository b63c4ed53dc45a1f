import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { validateChatRequest } from './validate-chat-request.js';

const valid = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

/** The field a refusal names, or 'ok'. */
function outcome(body: unknown): string {
  try {
    expect(validateChatRequest(body)).toBe(body); // the same object: it still matches the client's bytes
    return 'ok';
  } catch (error) {
    expect(GatewayError.isInstance(error) && error.code === 'TOLLGATE_INVALID_REQUEST').toBe(true);
    return (error as GatewayError).param ?? 'body';
  }
}

describe('validateChatRequest', () => {
  it('accepts the usual requests and what else the schema allows', () => {
    for (const body of [
      valid,
      { ...valid, stream: true, stream_options: { include_usage: true }, max_tokens: 64, max_completion_tokens: null, n: 1 },
      { ...valid, stream: null, stream_options: null, extra: { anything: [1, 2] } },
      { ...valid, messages: ['system', 'developer', 'user', 'assistant', 'tool', 'function'].map((role) => ({ role })) },
      { ...valid, stream_options: { other: 1 } },
    ]) {
      expect(outcome(body)).toBe('ok');
    }
  });

  it('refuses every field the engine relies on when it is wrong, naming it', () => {
    const cases: [unknown, string][] = [
      [[valid], 'body'],
      [{ messages: valid.messages }, 'model'],
      [{ ...valid, model: '' }, 'model'],
      [{ ...valid, model: 5 }, 'model'],
      [{ model: 'm' }, 'messages'],
      [{ ...valid, messages: [] }, 'messages'],
      [{ ...valid, messages: {} }, 'messages'],
      [{ ...valid, messages: [null] }, 'messages[0]'],
      [{ ...valid, messages: [[{ role: 'user' }]] }, 'messages[0]'],
      [{ ...valid, messages: [{ role: 'robot' }] }, 'messages[0].role'],
      [{ ...valid, messages: [{ content: 'no role' }] }, 'messages[0].role'],
      [{ ...valid, stream: 'true' }, 'stream'],
      [{ ...valid, stream_options: [] }, 'stream_options'],
      [{ ...valid, stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
      [{ ...valid, max_tokens: 0 }, 'max_tokens'],
      [{ ...valid, max_tokens: -1 }, 'max_tokens'],
      [{ ...valid, max_tokens: 1.5 }, 'max_tokens'],
      [{ ...valid, max_tokens: '10' }, 'max_tokens'],
      [{ ...valid, max_tokens: 2 ** 53 + 2 }, 'max_tokens'],
      [{ ...valid, max_completion_tokens: 0 }, 'max_completion_tokens'],
      [{ ...valid, n: 0 }, 'n'],
    ];
    expect(cases.map(([body]) => outcome(body))).toEqual(cases.map(([, param]) => param));
  });
});
