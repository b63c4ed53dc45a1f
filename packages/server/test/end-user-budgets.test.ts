import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { adminClient, budgetTestAnswerMicros, budgetTestPrices, budgetTestUsage } from './support/admin-client.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

// An app with one key serves many people: it names each in the request's `user` field, and a budget on
// that end user caps what each of them may spend, whichever of the app's keys they come through.

const masterKey = 'sk-end-user-budgets-master-01';
const prices = budgetTestPrices;
const usage = budgetTestUsage;
const answerMicros = budgetTestAnswerMicros;

let mock: MockOpenAI;
let server: RunningServer;

const { admin, spentMicros, keyClient: newKey } = adminClient(() => server, masterKey);

/** A chat turn of `user` with room for 100 output tokens: its worst case is ~20,000 µ$ of output. */
const turn = (user?: string) => ({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }], ...(user === undefined ? {} : { user }) });

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-end-user-budgets',
    [
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': prices } } },
      { name: '@tollgate/governance', options: { keyCacheMs: 200 } },
    ],
    { auth: { masterKey } },
  ));
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

beforeEach(() => mock.reset());

describe('a budget on an end user', () => {
  it("caps the end user's spend across the app's keys, leaving other end users and unnamed requests alone", async () => {
    const set = await admin('/admin/budgets', { scope: 'end_user', id: 'alice@example.com', limit_usd: 0.05, period: 'daily' });
    expect(set.status).toBe(200);
    const web = await newKey('web-app');
    const mobile = await newKey('mobile-app');

    mock.enqueue({ usage });
    await web.chat.completions.create(turn('alice@example.com'));
    mock.enqueue({ usage });
    await mobile.chat.completions.create(turn('alice@example.com'));
    expect(await spentMicros('end_user', 'alice@example.com')).toBe(2 * answerMicros);

    // 8,000 µ$ left: the next turn may cost ~20,000 and is refused before the upstream, from either key.
    const sent = mock.requests.length;
    for (const client of [web, mobile]) {
      const refused = await client.chat.completions.create(turn('alice@example.com')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
      expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
      expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('The end user budget of "alice@example.com" ($0.0500 daily) has $0.008000 left');
    }
    expect(mock.requests.length).toBe(sent);

    // Another end user, and a request that names none, are not held against Alice's budget.
    mock.enqueue({ usage });
    mock.enqueue({ usage });
    await web.chat.completions.create(turn('bob@example.com'));
    await web.chat.completions.create(turn());
    expect(mock.requests.length).toBe(sent + 2);
    expect(await spentMicros('end_user', 'alice@example.com')).toBe(2 * answerMicros);
  });

  it('holds, with the key\'s own budget, all levels at once: concurrent requests never overspend either', async () => {
    const key = await newKey('batch-app');
    const keyId = (await admin('/admin/keys')).json.data.find((record: { alias: string }) => record.alias === 'batch-app').id as string;
    expect((await admin('/admin/budgets', { scope: 'key', id: keyId, limit_usd: 1, period: 'daily' })).status).toBe(200);
    expect((await admin('/admin/budgets', { scope: 'end_user', id: 'carol', limit_usd: 0.05, period: 'daily' })).status).toBe(200);

    // Room for two ~20,000 µ$ worst cases on Carol's budget: of ten at once, two go upstream.
    for (let index = 0; index < 10; index += 1) mock.enqueue({ usage });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => key.chat.completions.create(turn('carol'))));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect((outcome.reason as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(mock.requests).toHaveLength(2);
    expect(await spentMicros('end_user', 'carol')).toBe(2 * answerMicros);
    // The key's budget was charged the same two answers.
    expect(await spentMicros('key', keyId)).toBe(2 * answerMicros);

    // Another end user of the same key draws only on the key's budget (on the instance's lease, whose
    // charges reach the budget's spend when it is renewed or returned: within about a second).
    mock.enqueue({ usage });
    await key.chat.completions.create(turn('dave'));
    let keySpent = 0;
    for (let attempt = 0; attempt < 40 && keySpent !== 3 * answerMicros; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      keySpent = await spentMicros('key', keyId);
    }
    expect(keySpent).toBe(3 * answerMicros);
    expect(await spentMicros('end_user', 'carol')).toBe(2 * answerMicros);
  });

  it('binds a budget set on an end user already seen within keyCacheMs, and is refused for a bad scope', async () => {
    const key = await newKey('late-budget-app');
    mock.enqueue({ usage });
    await key.chat.completions.create(turn('erin'));
    expect((await admin('/admin/budgets', { scope: 'end_user', id: 'erin', limit_usd: 0.000001, period: 'daily' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const refused = await key.chat.completions.create(turn('erin')).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    const bad = await admin('/admin/budgets', { scope: 'customer', id: 'erin', limit_usd: 1, period: 'daily' });
    expect(bad.status).toBe(400);
  });
});
