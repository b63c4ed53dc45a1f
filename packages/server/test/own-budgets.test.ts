import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { adminClient, budgetTestAnswerMicros, budgetTestPrices, budgetTestUsage } from './support/admin-client.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

// LiteLLM's `POST /key/generate { max_budget, budget_duration }` and `/team/new { max_budget }`: the
// budget given with the key or team it caps, in one call — binding from the key's first request (a
// peer's budget field on a new key was neither saved nor enforced: Bifrost #5673).

const masterKey = 'sk-own-budgets-master-00001';
const usage = budgetTestUsage;
const answerMicros = budgetTestAnswerMicros;

let mock: MockOpenAI;
let server: RunningServer;
const { admin, spentMicros } = adminClient(() => server, masterKey);

/** A chat turn with room for 100 output tokens: its worst case is ~20,000 µ$ of output. */
const turn = { model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as InstanceType<typeof OpenAI.APIError>);

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-own-budgets',
    [
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': budgetTestPrices } } },
      { name: '@tollgate/governance', options: { keyCacheMs: 0 } },
    ],
    { auth: { masterKey } },
  ));
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

beforeEach(() => mock.reset());

describe('a budget given with its key or team', () => {
  it('binds a new key from its first requests, concurrent ones included; an update changes or removes it', async () => {
    const created = await admin('/admin/keys', { alias: 'capped-agent', budget: { limit_usd: 0.05, period: 'daily' } });
    expect(created.status).toBe(201);
    expect(created.json.budget).toMatchObject({ scope: 'key', id: created.json.id, limit_usd: 0.05, period: 'daily', spent_usd: 0 });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: created.json.key as string, maxRetries: 0 });

    // Its very first requests, five at once: room for two worst cases.
    for (let index = 0; index < 5; index += 1) mock.enqueue({ usage });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.chat.completions.create(turn)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    expect(await spentMicros('key', created.json.id)).toBe(2 * answerMicros);
    const refused = await refusal(client.chat.completions.create(turn));
    expect(refused?.status).toBe(429);
    expect(refused?.message).toContain(`The key budget of "${created.json.id}" ($0.0500 daily) has $0.008000 left`);

    // Raised with the key's update (spend so far kept), then removed.
    const raised = await admin('/admin/keys/update', { id: created.json.id, budget: { limit_usd: 1, period: 'monthly' } });
    expect(raised.status).toBe(200);
    expect(raised.json).toMatchObject({ alias: 'capped-agent', budget: { limit_usd: 1, period: 'monthly', spent_usd: 2 * answerMicros / 1_000_000 } });
    mock.enqueue({ usage });
    await client.chat.completions.create(turn);
    const removed = await admin('/admin/keys/update', { id: created.json.id, budget: null });
    expect(removed.json.budget).toBeNull();
    expect((await admin(`/admin/budgets?scope=key&id=${created.json.id}`)).status).toBe(404);
    expect(mock.requests).toHaveLength(3);
  });

  it('caps a team given its budget on creation, and refuses a malformed budget before creating anything', async () => {
    const team = await admin('/admin/teams', { id: 'interns', budget: { limit_usd: 0.000001 } });
    expect(team.status).toBe(201);
    expect(team.json).toMatchObject({ id: 'interns', budget: { scope: 'team', id: 'interns', limit_usd: 0.000001, period: 'monthly' } });
    const intern = await admin('/admin/keys', { alias: 'intern-bot', team_id: 'interns' });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: intern.json.key as string, maxRetries: 0 });
    const refused = await refusal(client.chat.completions.create(turn));
    expect(refused?.status).toBe(429);
    expect(refused?.message).toContain('The team budget of "interns"');
    // An update that leaves `budget` out keeps it.
    await admin('/admin/teams', { id: 'interns', rpm_limit: 100 });
    expect((await admin('/admin/budgets?scope=team&id=interns')).json).toMatchObject({ limit_usd: 0.000001 });

    const before = (await admin('/admin/keys')).json.data.length;
    const malformed = await admin('/admin/keys', { alias: 'nope', budget: { limit_usd: -1 } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatchObject({ type: 'invalid_request_error', param: 'budget.limit_usd' });
    expect((await admin('/admin/keys')).json.data).toHaveLength(before);
    expect(mock.requests).toHaveLength(0);
  });
});
