import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { adminClient, budgetTestAnswerMicros, budgetTestPrices, budgetTestUsage } from './support/admin-client.js';
import { startLedgeredGateway } from './support/start-test-gateway.js';

// The dearest model capped for everyone at once (LiteLLM's model budgets): a budget on a model binds
// every request for it, whichever key, team or tag sends it.

const masterKey = 'sk-model-budgets-master-0001';
const usage = budgetTestUsage;
const answerMicros = budgetTestAnswerMicros;

let mock: MockOpenAI;
let server: RunningServer;
const { admin, spentMicros, keyClient: newClient } = adminClient(() => server, masterKey);

/** A chat turn with room for 100 output tokens: its worst case is ~20,000 µ$ of output. */
const turn = (model: string) => ({ model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] });

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-model-budgets',
    [
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': budgetTestPrices, 'openai/o3-pro': budgetTestPrices, 'openai/gpt-4o': budgetTestPrices, 'openai/gpt-4.1-mini': budgetTestPrices } } },
      // One from the config too: o3-pro gets $0.000001 a day; and a team's own, under `teams`.
      { name: '@tollgate/governance', options: { keyCacheMs: 200, budgets: [{ scope: 'model', id: 'o3-pro', limitUsd: 0.000001, period: 'daily' }], teams: { research: { budget: { limitUsd: 0.03, period: 'weekly' } } } } },
    ],
    { auth: { masterKey }, models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, 'o3-pro': { target: 'openai/o3-pro' }, 'gpt-4o': { target: 'openai/gpt-4o' }, 'gpt-4.1-mini': { target: 'openai/gpt-4.1-mini' } } },
  ));
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

beforeEach(() => mock.reset());

describe('a budget on a model', () => {
  it('caps what every key spends on it together, leaves other models alone, and never overspends under concurrency', async () => {
    expect((await admin('/admin/budgets', { scope: 'model', id: 'gpt-4o-mini', limit_usd: 0.05, period: 'daily' })).status).toBe(200);
    const agent = await newClient('model-agent');
    const batch = await newClient('model-batch');

    mock.enqueue({ usage }, { usage });
    await agent.chat.completions.create(turn('gpt-4o-mini'));
    await batch.chat.completions.create(turn('gpt-4o-mini'));
    expect(await spentMicros('model', 'gpt-4o-mini')).toBe(2 * answerMicros);

    // 8,000 µ$ left: the next turn may cost ~20,000 and is refused before the upstream, from either key.
    for (const client of [agent, batch]) {
      const refused = (await client.chat.completions.create(turn('gpt-4o-mini')).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
      expect(refused.status).toBe(429);
      expect(refused.error).toMatchObject({ code: 'budget_exceeded' });
      expect(refused.message).toContain('The model budget of "gpt-4o-mini" ($0.0500 daily) has $0.008000 left');
    }
    expect(mock.requests).toHaveLength(2);
    // Another model is not held against it.
    mock.enqueue({ usage });
    await agent.chat.completions.create(turn('gpt-4o'));
    expect(mock.requests).toHaveLength(3);

    // Room for two worst cases on gpt-4o: of ten at once over both keys, two go upstream.
    expect((await admin('/admin/budgets', { scope: 'model', id: 'gpt-4o', limit_usd: 0.05, period: 'daily' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    for (let index = 0; index < 10; index += 1) mock.enqueue({ usage });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? agent : batch).chat.completions.create(turn('gpt-4o'))));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect((outcome.reason as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    // A budget set within keyCacheMs of the model's last request binds: only the two admitted are spent.
    expect(await spentMicros('model', 'gpt-4o')).toBe(2 * answerMicros);
  });

  it('binds budgets from the config: a model\'s under `budgets`, a team\'s under `teams`', async () => {
    const client = await newClient('reasoner');
    const refused = (await client.chat.completions.create(turn('o3-pro')).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(429);
    expect(refused.message).toContain('The model budget of "o3-pro"');
    expect(mock.requests).toHaveLength(0);

    // The brief's `teams: { research: { budget: … } }`: $0.03 a week binds every key of the team.
    const listed = await fetch(`${server.url}/admin/budgets`, { headers: { authorization: `Bearer ${masterKey}` } }).then((response) => response.json() as Promise<{ data: unknown[] }>);
    expect(listed.data).toContainEqual(expect.objectContaining({ scope: 'team', id: 'research', limit_usd: 0.03, period: 'weekly' }));
    const researcher = await newClient('researcher', { team_id: 'research' });
    mock.enqueue({ usage });
    await researcher.chat.completions.create(turn('gpt-4.1-mini'));
    expect(await spentMicros('team', 'research')).toBe(answerMicros);
    const overBudget = (await researcher.chat.completions.create(turn('gpt-4.1-mini')).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(overBudget.status).toBe(429);
    expect(overBudget.message).toContain('The team budget of "research" ($0.0300 weekly) has $0.009000 left');
    expect(mock.requests).toHaveLength(1);
  });
});
