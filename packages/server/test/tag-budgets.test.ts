import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { adminClient, budgetTestAnswerMicros, budgetTestPrices, budgetTestUsage } from './support/admin-client.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

// A customer is served through several keys (an agent, a batch job, a support bot): a budget on the
// tag their keys carry caps what that customer costs, whichever key sends the request.

const masterKey = 'sk-tag-budgets-master-000001';
const prices = budgetTestPrices;
const usage = budgetTestUsage;
const answerMicros = budgetTestAnswerMicros;

let mock: MockOpenAI;
let server: RunningServer;

const { admin, spentMicros } = adminClient(() => server, masterKey);

/** A virtual key with `tags`, and an `openai` client on it that sends `headerTags` in `x-tollgate-tags`. */
async function newKey(alias: string, tags?: string[], headerTags?: string): Promise<{ key: string; client: OpenAI }> {
  const created = await admin('/admin/keys', { alias, ...(tags === undefined ? {} : { tags }) });
  expect(created.status).toBe(201);
  const key = created.json.key as string;
  return { key, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0, ...(headerTags === undefined ? {} : { defaultHeaders: { 'x-tollgate-tags': headerTags } }) }) };
}

/** A chat turn with room for 100 output tokens: its worst case is ~20,000 µ$ of output. */
const turn = () => ({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] });

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-tag-budgets',
    [
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': prices } } },
      // A budget in the config too: the nightly evaluations get $0.000001 a day.
      { name: '@tollgate/governance', options: { keyCacheMs: 200, budgets: [{ scope: 'tag', id: 'env:eval', limitUsd: 0.000001, period: 'daily' }] } },
    ],
    { auth: { masterKey } },
  ));
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

beforeEach(() => mock.reset());

describe('a budget on a tag', () => {
  it("caps what the requests carrying it cost, across the keys tagged with it and a client's own x-tollgate-tags, leaving others alone", async () => {
    expect((await admin('/admin/budgets', { scope: 'tag', id: 'customer:acme', limit_usd: 0.05, period: 'daily' })).status).toBe(200);
    const agent = await newKey('acme-agent', ['customer:acme']);
    const batch = await newKey('acme-batch', ['customer:acme', 'job:nightly']);
    const shared = await newKey('shared-tool', undefined, 'customer:acme');
    const other = await newKey('globex-agent', ['customer:globex']);

    mock.enqueue({ usage });
    await agent.client.chat.completions.create(turn());
    mock.enqueue({ usage });
    await batch.client.chat.completions.create(turn());
    expect(await spentMicros('tag', 'customer:acme')).toBe(2 * answerMicros);

    // A key sees the budgets of its own tags, with what is left.
    const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${batch.key}` } }).then((response) => response.json())) as { data: { budgets: { scope: string; id: string; remaining_usd: number }[]; limit_remaining_usd: number } };
    expect(info.data.budgets.map(({ scope, id, remaining_usd }) => ({ scope, id, remaining_usd }))).toEqual([{ scope: 'tag', id: 'customer:acme', remaining_usd: 0.008 }]);
    expect(info.data.limit_remaining_usd).toBe(0.008);

    // 8,000 µ$ left: the next turn may cost ~20,000 and is refused before the upstream, from each key
    // carrying the tag — its own or the client's.
    const sent = mock.requests.length;
    for (const { client } of [agent, batch, shared]) {
      const refused = (await client.chat.completions.create(turn()).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect(refused.status).toBe(429);
      expect(refused.error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
      expect(refused.message).toContain('The tag budget of "customer:acme" ($0.0500 daily) has $0.008000 left');
    }
    expect(mock.requests.length).toBe(sent);

    // Another customer's key, and the shared tool's request for no one in particular, are not held against it.
    mock.enqueue({ usage });
    await other.client.chat.completions.create(turn());
    mock.enqueue({ usage });
    await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: shared.key, maxRetries: 0 }).chat.completions.create(turn());
    expect(mock.requests.length).toBe(sent + 2);
    expect(await spentMicros('tag', 'customer:acme')).toBe(2 * answerMicros);
  });

  it('holds every level at once: concurrent requests from two keys never overspend it', async () => {
    expect((await admin('/admin/budgets', { scope: 'tag', id: 'customer:initech', limit_usd: 0.05, period: 'daily' })).status).toBe(200);
    const first = await newKey('initech-a', ['customer:initech']);
    const second = await newKey('initech-b', ['customer:initech']);
    // Room for two ~20,000 µ$ worst cases: of ten at once, split over both keys, two go upstream.
    for (let index = 0; index < 10; index += 1) mock.enqueue({ usage });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first : second).client.chat.completions.create(turn())));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect((outcome.reason as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(mock.requests).toHaveLength(2);
    expect(await spentMicros('tag', 'customer:initech')).toBe(2 * answerMicros);
  });

  it('binds a budget from the config, and one set on a tag already seen within keyCacheMs', async () => {
    const evaluation = await newKey('eval-runner', undefined, 'env:eval');
    const refused = (await evaluation.client.chat.completions.create(turn()).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(429);
    expect(refused.message).toContain('The tag budget of "env:eval"');

    const late = await newKey('late-tag', ['project:late']);
    mock.enqueue({ usage });
    await late.client.chat.completions.create(turn());
    expect((await admin('/admin/budgets', { scope: 'tag', id: 'project:late', limit_usd: 0.000001, period: 'daily' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(((await late.client.chat.completions.create(turn()).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(mock.requests).toHaveLength(1);
  });
});
