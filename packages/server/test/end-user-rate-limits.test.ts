import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

// Rate limits on the end users an app names in `user`: each of them gets the general rule, one named
// end user its own, and a request that names none is held only to its key's limits.

const masterKey = 'sk-end-user-limits-master-001';
let mock: MockOpenAI;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-end-user-limits',
    [
      {
        name: '@tollgate/governance',
        options: { rateLimits: [{ scope: 'end_user', rpm: 2 }, { scope: 'end_user', id: 'support-bot', rpm: 5 }] },
      },
    ],
    { auth: { masterKey } },
  ));
  const created = await fetch(`${server.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ alias: 'chat-app' }) }).then((response) => response.json() as Promise<{ key: string }>);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: created.key, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

const turn = (user?: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], ...(user === undefined ? {} : { user }) });

/** How many of `count` requests in a row are admitted, and the first refusal. */
async function admitted(count: number, user?: string): Promise<{ admitted: number; refusal: InstanceType<typeof OpenAI.APIError> | undefined }> {
  let passed = 0;
  let refusal: InstanceType<typeof OpenAI.APIError> | undefined;
  for (let index = 0; index < count; index += 1) {
    const outcome = await client.chat.completions.create(turn(user)).catch((error: unknown) => error);
    if (outcome instanceof OpenAI.APIError) refusal ??= outcome;
    else passed += 1;
  }
  return { admitted: passed, refusal };
}

describe('a rate limit on end users', () => {
  it('holds each end user to the general rule, a named one to its own, and leaves unnamed requests alone', async () => {
    const alice = await admitted(4, 'alice');
    expect(alice.admitted).toBe(2);
    expect(alice.refusal?.status).toBe(429);
    expect(alice.refusal?.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(alice.refusal?.message).toContain('The end user "alice" is limited to 2 requests per minute');
    expect(alice.refusal?.headers?.get('retry-after')).toMatch(/^\d+$/);

    // Bob has his own two; the support bot its own five; a request naming no end user is not limited.
    expect((await admitted(3, 'bob')).admitted).toBe(2);
    expect((await admitted(6, 'support-bot')).admitted).toBe(5);
    expect((await admitted(4)).admitted).toBe(4);
  });
});
