import { execFile as execFileCallback } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOpenAI, mockCompactionTokens, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { serverPackageDirectory, startLedgeredGateway, startQuietServer, temporaryDatabasePath } from './support/start-test-gateway.js';

const masterKey = 'sk-governance-master-00000001';
/** $100 per million input tokens, $200 per million output tokens: 1 token = 100 or 200 micro-dollars. */
const prices = { input: 100, output: 200 };

let mock: MockOpenAI;
let server: RunningServer;
let databasePath: string;

async function adminCall(path: string, body?: object, key = masterKey): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

async function createKey(body: object): Promise<{ id: string; key: string }> {
  const created = await adminCall('/admin/keys', body);
  expect(created.status).toBe(201);
  return created.json;
}

function clientFor(key: string): OpenAI {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
}

beforeAll(async () => {
  ({ mock, server, databasePath } = await startLedgeredGateway('tollgate-governance', [
    { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': prices, 'native/gpt-4o-mini': prices, 'openai/long-context': { input: 1_000, output: 2_000 }, 'openai/per-call': { ...prices, request: 50 } } } },
    {
      name: '@tollgate/governance',
      options: {
        keyCacheMs: 200,
        rateLimits: [
          { scope: 'team', id: 'team-rpm', rpm: 3 },
          { scope: 'team', id: 'team-parallel', parallel: 1 },
          { scope: 'team', id: 'team-parallel-2', parallel: 2 },
        ],
      },
    },
  ], (upstream) => ({
    auth: { masterKey },
    providers: {
      openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000' },
      // The same upstream as a server of the Responses API too: Responses clients pass through to it.
      native: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000', responsesAPI: true },
      // The same upstream priced as OpenAI's own models, by the bundled price table.
      tabled: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000', priceProvider: 'openai' },
    },
    models: {
      'gpt-4o-mini': { target: 'openai/gpt-4o-mini' },
      'native-mini': { target: 'native/gpt-4o-mini' },
      'self-hosted': { target: 'openai/unpriced-llama' },
      // A refusal for length moves the request to a model ten times dearer.
      'with-fallback': { target: 'openai/gpt-4o-mini', fallbacks: { contextWindow: 'long-context' } },
      'with-unpriced-fallback': { target: 'openai/gpt-4o-mini', fallbacks: { contextWindow: 'self-hosted' } },
      'long-context': { target: 'openai/long-context' },
      // Priced by the bundled table: $2.50 / $15 per million tokens, $5 / $22.50 past 272K input tokens.
      'gpt-5.4': { target: 'tabled/gpt-5.4' },
      // A fee of $0.05 per request on top of its tokens ($50 per thousand requests).
      'per-call': { target: 'openai/per-call' },
    },
  })));
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

describe('virtual keys', () => {
  it('are created once by the master key, stored only as a hash, and call the models they allow', async () => {
    const created = await createKey({ alias: 'agent-a', team_id: 'team-a', models: ['gpt-4o-mini'] });
    expect(created.key).toMatch(/^tg-[\w-]{32}$/);
    const listed = await adminCall('/admin/keys?team_id=team-a');
    expect(listed.json.data.find((key: any) => key.id === created.id)).toMatchObject({ alias: 'agent-a', status: 'active', team_id: 'team-a' });
    expect(JSON.stringify(listed.json)).not.toContain(created.key);
    const stored = new DatabaseSync(databasePath).prepare('SELECT * FROM tollgate_keys WHERE id = ?').get(created.id) as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(3));

    const answer = await clientFor(created.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toContain('Mock answer');
    const refused = await clientFor(created.key).chat.completions.create({ model: 'self-hosted', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: 'model_not_allowed' });
  });

  it('stop working within a second of revocation or suspension, and expired keys are refused', async () => {
    const created = await createKey({ alias: 'to-revoke' });
    const client = clientFor(created.key);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect((await adminCall('/admin/keys/revoke', { id: created.id })).json.status).toBe('revoked');
    await sleep(1_000);
    const refused = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((refused as Error).message).toContain('is revoked');
    // A revoked key stays revoked.
    expect((await adminCall('/admin/keys/update', { id: created.id, status: 'active' })).json.status).toBe('revoked');

    const expired = await createKey({ alias: 'expired', expires_at: new Date(Date.now() - 1_000).toISOString() });
    const late = await clientFor(expired.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(late).toMatchObject({ status: 401 });
    expect((late as Error).message).toContain('expired at');

    // LiteLLM's `duration`: thirty days from now; then one second from now, and it stops.
    const month = await adminCall('/admin/keys', { alias: 'for-a-month', duration: '30d' });
    expect(Date.parse(month.json.expires_at) - Date.now()).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(Date.parse(month.json.expires_at) - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    const shortened = await adminCall('/admin/keys/update', { id: month.json.id, duration: '1s' });
    expect(Date.parse(shortened.json.expires_at) - Date.now()).toBeLessThanOrEqual(1_000);
    await sleep(1_100);
    expect(await clientFor(month.json.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error)).toMatchObject({ status: 401 });
    for (const body of [{ duration: '30 days' }, { duration: '30d', expires_at: new Date().toISOString() }]) {
      const refused = await adminCall('/admin/keys', { alias: 'badly-timed', ...body });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({ param: 'duration' });
    }
  });

  it('rotate to a new secret under the same id: the new one works, the old one stops within a second', async () => {
    const created = await createKey({ alias: 'to-rotate', team_id: 'team-rotate' });
    await clientFor(created.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const rotated = (await adminCall('/admin/keys/rotate', { id: created.id })).json as { id: string; key: string; team_id: string };
    expect(rotated).toMatchObject({ id: created.id, team_id: 'team-rotate' });
    expect(rotated.key).not.toBe(created.key);
    await sleep(1_000);
    await expect(clientFor(rotated.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    await expect(clientFor(created.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
  });

  it('sit under orgs, teams and users: a key of a user inherits its team and org', async () => {
    expect((await adminCall('/admin/orgs', { id: 'acme', name: 'Acme Corp' })).status).toBe(201);
    expect((await adminCall('/admin/teams', { id: 'search', name: 'Search', org_id: 'acme' })).status).toBe(201);
    expect((await adminCall('/admin/users', { id: 'agent-7', name: 'Indexing agent', team_id: 'search' })).status).toBe(201);
    expect(await adminCall('/admin/teams', { id: 'orphans', org_id: 'no-such-org' })).toMatchObject({ status: 400, json: { error: { param: 'org_id' } } });
    const key = await createKey({ alias: 'agent-7-key', user_id: 'agent-7' });
    expect((await adminCall('/admin/keys?team_id=search')).json.data.find((listed: { id: string }) => listed.id === key.id)).toMatchObject({ user_id: 'agent-7', team_id: 'search', org_id: 'acme' });
    expect((await adminCall('/admin/teams?org_id=acme')).json.data).toEqual([expect.objectContaining({ id: 'search', name: 'Search', org_id: 'acme' })]);
    expect((await adminCall('/admin/teams', { id: 'search', name: 'Search & Ranking', org_id: 'acme' })).status).toBe(200);
    expect((await adminCall('/admin/users/delete', { id: 'agent-7' })).json).toEqual({ deleted: true, id: 'agent-7' });
    // Its key and the spend recorded under the ids are untouched.
    await expect(clientFor(key.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    const audit = (await adminCall('/admin/audit?limit=6')).json.data.map((entry: { action: string }) => entry.action);
    expect(audit).toEqual(expect.arrayContaining(['org.create', 'team.create', 'user.create', 'team.update', 'user.delete', 'key.create']));
  });

  it('keep the admin API to the master key, with clear errors for bad input', async () => {
    const created = await createKey({ alias: 'not-admin' });
    expect(await adminCall('/admin/keys', { alias: 'x' }, created.key)).toMatchObject({ status: 403, json: { error: { code: 'admin_only' } } });
    expect(await adminCall('/admin/keys', { alias: 'x' }, 'sk-nobody-000000000000')).toMatchObject({ status: 401 });
    expect(await adminCall('/admin/budgets', { scope: 'planet', id: 'x', limit_usd: 1 })).toMatchObject({ status: 400, json: { error: { param: 'scope', type: 'invalid_request_error' } } });
    expect(await adminCall('/admin/keys/revoke', { id: 'key_missing' })).toMatchObject({ status: 404 });
  });
});

describe('hard budgets', () => {
  it('hold under 200 concurrent requests: spend never exceeds the team budget and every request is accounted for', async () => {
    const team = 'team-concurrent';
    const keys = await Promise.all([createKey({ alias: 'c1', team_id: team }), createKey({ alias: 'c2', team_id: team })]);
    expect((await adminCall('/admin/budgets', { scope: 'team', id: team, limit_usd: 0.05, period: 'monthly' })).status).toBe(200);
    const requestsBefore = mock.requests.length;

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        clientFor(keys[index % 2]!.key)
          .chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: `Say hello number ${index}` }] })
          .then(() => 'ok' as const)
          .catch((error: { status?: number; code?: string; message?: string }) => error),
      ),
    );
    const succeeded = outcomes.filter((outcome) => outcome === 'ok').length;
    const rejected = outcomes.filter((outcome) => outcome !== 'ok');
    expect(succeeded).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    for (const error of rejected) expect(error).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((rejected[0] as Error).message).toMatch(/team budget of "team-concurrent" \(\$0\.0500 monthly\) has \$0\.\d+ left; this request may cost up to \$0\.\d+\. It resets at \d{4}-/);
    // A refused request never reached the upstream.
    expect(mock.requests.length - requestsBefore).toBe(succeeded);

    await sleep(300); // settle and the ledger's batch run after each answer
    const budget = (await adminCall(`/admin/budgets?scope=team&id=${team}`)).json;
    const database = new DatabaseSync(databasePath);
    const recorded = database.prepare('SELECT status, cost_micros FROM tollgate_requests WHERE team_id = ?').all(team) as { status: number; cost_micros: number | null }[];
    const spentMicros = recorded.reduce((sum, row) => sum + (row.cost_micros ?? 0), 0);
    console.log(`budget concurrency (SQLite): 200 sent, ${succeeded} succeeded, ${rejected.length} rejected, spend $${(spentMicros / 1e6).toFixed(6)} of $0.05`);
    expect(recorded).toHaveLength(200);
    expect(recorded.filter((row) => row.status === 200)).toHaveLength(succeeded);
    expect(recorded.filter((row) => row.status === 429)).toHaveLength(rejected.length);
    expect(spentMicros).toBeLessThanOrEqual(50_000);
    expect(budget.spent_usd * 1e6).toBeCloseTo(spentMicros, 0);
    expect(budget.reserved_usd).toBe(0);
    expect((database.prepare('SELECT COUNT(*) AS count FROM tollgate_reservations').get() as { count: number }).count).toBe(0);
    database.close();
  });

  it('admit a budget with room through a lease: spend reaches the budget within about a second and nothing stays held', async () => {
    const team = 'team-leased';
    const created = await createKey({ alias: 'leased', team_id: team });
    await adminCall('/admin/budgets', { scope: 'team', id: team, limit_usd: 5, period: 'monthly' });
    const database = new DatabaseSync(databasePath);
    const holds = () => database.prepare('SELECT id FROM tollgate_reservations WHERE subject_id = ?').all(team) as { id: string }[];
    const client = clientFor(created.key);
    const ask = (index: number) => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: `Say hello number ${index}` }] });
    // Two waves of 40. Right after the first, the team's hold is the instance's lease (kept for a
    // second without requests), where requests holding on their own would have left none.
    await Promise.all(Array.from({ length: 40 }, (_, index) => ask(index)));
    const heldBetween = holds();
    await Promise.all(Array.from({ length: 40 }, (_, index) => ask(40 + index)));
    // (Two for a moment while a renewal settles the old one.)
    expect(heldBetween.length).toBeGreaterThan(0);
    expect(heldBetween.every((hold) => hold.id.startsWith('lease-'))).toBe(true);

    const ledgerSpend = () => (database.prepare('SELECT COALESCE(SUM(cost_micros), 0) AS spent, COUNT(*) AS rows FROM tollgate_requests WHERE team_id = ?').get(team) as { spent: number; rows: number });
    // Bounded wait: the ledger writes every 50 ms, a lease in use settles every second, an idle one is returned after one.
    let budget = (await adminCall(`/admin/budgets?scope=team&id=${team}`)).json;
    for (let attempt = 0; attempt < 40 && (budget.reserved_usd !== 0 || ledgerSpend().rows < 80 || Math.round(budget.spent_usd * 1e6) !== ledgerSpend().spent); attempt += 1) {
      await sleep(100);
      budget = (await adminCall(`/admin/budgets?scope=team&id=${team}`)).json;
    }
    expect(ledgerSpend().rows).toBe(80);
    expect(Math.round(budget.spent_usd * 1e6)).toBe(ledgerSpend().spent);
    expect(budget.reserved_usd).toBe(0);
    expect(holds()).toHaveLength(0);
    database.close();
  });

  it('refuse a request whose worst case does not fit, naming the level that is short', async () => {
    const created = await createKey({ alias: 'small-budget' });
    // Room for the prompt and about 50 output tokens.
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 0.012, period: 'daily' });
    const refused = await clientFor(created.key).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded', type: 'insufficient_quota' });
    expect((refused as Error).message).toContain('key budget of');
  });

  it('hold the worst case of every answer a request asks for (n): four answers may cost four times one', async () => {
    const created = await createKey({ alias: 'many-choices' });
    // Room for one answer of 1,000 output tokens ($0.20 at $200 per million), not for four ($0.80).
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 0.5, period: 'daily' });
    const client = clientFor(created.key);
    const refused = await client.chat.completions.create({ model: 'gpt-4o-mini', n: 4, max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((refused as Error).message).toMatch(/may cost up to \$0\.80/);
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', n: 2, max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });

  it('hold Responses API requests (Codex) to the same budget: the worst case of max_output_tokens is refused, real usage is charged', async () => {
    const created = await createKey({ alias: 'codex-agent' });
    // Room for 2,000 output tokens ($0.40), not for 5,000 ($1.00).
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 0.5, period: 'daily' });
    const client = clientFor(created.key);
    const refused = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', max_output_tokens: 5_000 }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded', type: 'insufficient_quota' });
    mock.reset();
    mock.enqueue({ content: 'Hello.', usage: { prompt_tokens: 10, completion_tokens: 20 } });
    const served = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', max_output_tokens: 100 });
    expect(served.usage).toMatchObject({ input_tokens: 10, output_tokens: 20 });
    // 10 × $100 + 20 × $200 per million tokens = $0.005.
    const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${created.key}` } }).then((response) => response.json())) as { data: { limit_remaining_usd: number } };
    expect(info.data.limit_remaining_usd).toBeCloseTo(0.495, 6);

    // Passed through to an upstream serving the Responses API: the budget's limit goes into the client's
    // bytes under the Responses API's name (`max_tokens` there is a 400), and the answer's usage is charged.
    const roomy = await createKey({ alias: 'codex-agent-2' });
    await adminCall('/admin/budgets', { scope: 'key', id: roomy.id, limit_usd: 5, period: 'daily' });
    mock.reset();
    mock.enqueue({ content: 'Hello again.', usage: { prompt_tokens: 10, completion_tokens: 20 } });
    await clientFor(roomy.key).responses.create({ model: 'native-mini', input: 'hi' });
    expect(mock.requests[0]!.path).toBe('/v1/responses');
    expect(mock.requests[0]!.bodyText).toBe('{"max_output_tokens":4096,"model":"gpt-4o-mini","input":"hi"}');
    const after = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${roomy.key}` } }).then((response) => response.json())) as { data: { limit_remaining_usd: number } };
    expect(after.data.limit_remaining_usd).toBeCloseTo(4.995, 6);
  });

  it('price the worst case from the price table as the request will be charged: at a long-context tier\'s prices once the prompt may pass its start', async () => {
    // A short prompt stays below GPT-5.4's tier (272K input tokens): 2,000 output tokens at $15 per
    // million ($0.030) fit a $0.04 budget, at the tier's $22.50 ($0.045) they would not.
    const short = await createKey({ alias: 'tiered-model-short' });
    await adminCall('/admin/budgets', { scope: 'key', id: short.id, limit_usd: 0.04, period: 'daily' });
    await expect(clientFor(short.key).chat.completions.create({ model: 'gpt-5.4', max_tokens: 2_000, messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    // 240K tokens (276K with the tokenizer margin) may pass it: $5 per million input tokens and
    // $22.50 per million output tokens, $1.42 in all, where the base prices make $0.72.
    const long = await createKey({ alias: 'tiered-model-long' });
    await adminCall('/admin/budgets', { scope: 'key', id: long.id, limit_usd: 1.2, period: 'daily' });
    mock.reset();
    const refused = await clientFor(long.key).chat.completions.create({ model: 'gpt-5.4', max_tokens: 2_000, messages: [{ role: 'user', content: 'word '.repeat(240_000) }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((refused as Error).message).toMatch(/may cost up to \$1\.42\d\d/);
    expect(mock.requests).toHaveLength(0);
  });

  it('hold and charge a model\'s fee per request, whatever its tokens', async () => {
    const created = await createKey({ alias: 'per-call-fee' });
    // $0.06 holds the fee ($0.05) and a few tokens, not 100 output tokens ($0.02) on top.
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 0.06, period: 'daily' });
    const client = clientFor(created.key);
    const refused = await client.chat.completions.create({ model: 'per-call', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((refused as Error).message).toMatch(/may cost up to \$0\.070\d/);
    mock.reset();
    mock.enqueue({ content: 'Hi.', usage: { prompt_tokens: 10, completion_tokens: 5 } });
    await client.chat.completions.create({ model: 'per-call', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    // 10 × $100 + 5 × $200 per million tokens, and the $0.05 fee.
    const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${created.key}` } }).then((response) => response.json())) as { data: { limit_remaining_usd: number } };
    expect(info.data.limit_remaining_usd).toBeCloseTo(0.06 - 0.052, 6);
  });

  it('refuse a budgeted request that continues a conversation OpenAI stores: its prompt cannot be counted', async () => {
    const budgeted = await createKey({ alias: 'stateful-app' });
    await adminCall('/admin/budgets', { scope: 'key', id: budgeted.id, limit_usd: 5, period: 'daily' });
    mock.reset();
    const refused = await clientFor(budgeted.key).responses.create({ model: 'native-mini', previous_response_id: 'resp_mock1', input: 'And then?' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'budget_uncountable', type: 'invalid_request_error', param: 'previous_response_id' });
    expect((refused as Error).message).toContain('whose tokens cannot be counted before the call');
    expect(mock.requests).toHaveLength(0);
    // A key without a budget goes through to OpenAI, which adds the stored conversation itself.
    const unbudgeted = await createKey({ alias: 'stateful-app-free' });
    mock.enqueue({ content: 'First.' });
    const first = await clientFor(unbudgeted.key).responses.create({ model: 'native-mini', input: 'Start.' });
    mock.enqueue({ content: 'Then.' });
    await expect(clientFor(unbudgeted.key).responses.create({ model: 'native-mini', previous_response_id: first.id, input: 'And then?' })).resolves.toMatchObject({ output_text: 'Then.' });
  });

  it("charge Codex's compaction what OpenAI reports, hold its worst case without sending a limit the endpoint lacks, and refuse a stored conversation", async () => {
    const codex = await createKey({ alias: 'codex-compacting' });
    await adminCall('/admin/budgets', { scope: 'key', id: codex.id, limit_usd: 5, period: 'daily' });
    mock.reset();
    const input = [{ role: 'user' as const, content: 'the build fails' }, { role: 'assistant' as const, content: 'In the linker.' }];
    const { data: compacted, response } = await clientFor(codex.key).responses.compact({ model: 'native-mini', input }).withResponse();
    expect(mock.requests[0]!.path).toBe('/v1/responses/compact');
    // The budget's output limit is held, not sent: `/responses/compact` takes none (its mock refuses unknown fields).
    expect(mock.requests[0]!.body).toEqual({ model: 'gpt-4o-mini', input });
    expect(compacted.output.at(-1)).toMatchObject({ type: 'compaction' });
    // What the compaction reported: its input and 256 output tokens, at $100 and $200 per million.
    const cost = (compacted.usage.input_tokens * 100 + mockCompactionTokens * 200) / 1_000_000;
    expect(Number(response.headers.get('x-tollgate-cost'))).toBeCloseTo(cost, 9);
    const info = (await fetch(`${server.url}/v1/key`, { headers: { authorization: `Bearer ${codex.key}` } }).then((answer) => answer.json())) as { data: { limit_remaining_usd: number } };
    expect(info.data.limit_remaining_usd).toBeCloseTo(5 - cost, 6);
    const stored = await clientFor(codex.key).responses.compact({ model: 'native-mini', previous_response_id: 'resp_mock1', input: 'and now?' }).catch((error: unknown) => error);
    expect(stored).toMatchObject({ status: 400, code: 'budget_uncountable', param: 'previous_response_id' });
    expect(mock.requests).toHaveLength(1);
  });

  it('price the worst case at the group\'s fallback model too, since a refusal may move the request there', async () => {
    const created = await createKey({ alias: 'falls-back' });
    // One answer of 1,000 tokens: $0.20 on gpt-4o-mini, $2.00 on the fallback.
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 0.5, period: 'daily' });
    const refused = await clientFor(created.key).chat.completions.create({ model: 'with-fallback', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((refused as Error).message).toMatch(/may cost up to \$2\.0/);
    // A key that may not call the fallback is not held for it (and is never moved to it).
    const limited = await createKey({ alias: 'no-fallback', models: ['with-fallback'] });
    await adminCall('/admin/budgets', { scope: 'key', id: limited.id, limit_usd: 0.5, period: 'daily' });
    await expect(clientFor(limited.key).chat.completions.create({ model: 'with-fallback', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    // A fallback without a price does not refuse the request: moved there, its unknown cost is charged at the hold.
    await expect(clientFor(created.key).chat.completions.create({ model: 'with-unpriced-fallback', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });

  it('hold each request on its own when clients send the same x-request-id: the second does not slip into the first one\'s hold', async () => {
    const created = await createKey({ alias: 'same-id-budget' });
    // Each request may cost up to ~$0.30 (1,500 output tokens); the budget holds one, not two.
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 0.5, period: 'daily' });
    const ask = () => fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json', 'x-request-id': 'client-retry-budget-0001' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 1_500, messages: [{ role: 'user', content: 'hi' }] }),
    });
    mock.enqueue({ delayMs: 400 });
    const slow = ask();
    await mock.waitFor((m) => m.requests.length > 0 && m.requests.at(-1)!.closedAt === undefined, 2_000);
    const second = await ask();
    expect(second.status).toBe(429);
    // The refusal must not have released the first request's hold: a third is refused while it runs.
    expect((await ask()).status).toBe(429);
    expect((await slow).status).toBe(200);
    // Once the first settled, its cost is charged once and its hold freed: the next one fits.
    await sleep(50);
    expect((await ask()).status).toBe(200);
  });

  it('set max_tokens on a budgeted request that gives none, so the worst case is bounded', async () => {
    const created = await createKey({ alias: 'no-limit', team_id: 'team-default-limit' });
    await adminCall('/admin/budgets', { scope: 'team', id: 'team-default-limit', limit_usd: 5 });
    mock.reset();
    await clientFor(created.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect((mock.requests[0]!.body as { max_tokens?: number }).max_tokens).toBe(4_096);
    // Spliced into the client's bytes, not re-encoded (a re-encode puts the new field last).
    expect(mock.requests[0]!.bodyText).toMatch(/^\{"max_tokens":4096,"model":"gpt-4o-mini","messages":/);
  });

  it('leave a request no budget applies to as it came — no max_tokens set — and bind a budget set later within keyCacheMs', async () => {
    const created = await createKey({ alias: 'no-budget', team_id: 'team-no-budget' });
    mock.reset();
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    await clientFor(created.key).chat.completions.create(body as never);
    await clientFor(created.key).chat.completions.create(body as never);
    // A reasoning model capped at 4,096 tokens it never asked for may spend them all thinking and answer nothing.
    expect(mock.requests.map((request) => request.bodyText)).toEqual([JSON.stringify(body), JSON.stringify(body)]);
    await adminCall('/admin/budgets', { scope: 'team', id: 'team-no-budget', limit_usd: 5 });
    await sleep(250); // keyCacheMs is 200 here
    await clientFor(created.key).chat.completions.create(body as never);
    expect((mock.requests[2]!.body as { max_tokens?: number }).max_tokens).toBe(4_096);
  });

  it('refuse a budgeted key on a model without a price, rather than spend an unbounded amount', async () => {
    const created = await createKey({ alias: 'unpriced', team_id: 'team-unpriced' });
    await adminCall('/admin/budgets', { scope: 'team', id: 'team-unpriced', limit_usd: 5 });
    const refused = await clientFor(created.key).chat.completions.create({ model: 'self-hosted', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: 'price_unknown' });
    // Without a budget, the same model is served.
    const free = await createKey({ alias: 'unbudgeted' });
    await expect(clientFor(free.key).chat.completions.create({ model: 'self-hosted', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });
});

describe('GET /v1/key: what a key may do and has left', () => {
  it('shows the caller its own levels, models, limits and budgets with what remains (the least of them too), never the key', async () => {
    const created = await createKey({ alias: 'self-aware', team_id: 'team-self', models: ['gpt-4o-mini'], rpm_limit: 50 });
    await adminCall('/admin/budgets', { scope: 'key', id: created.id, limit_usd: 1, period: 'daily' });
    await adminCall('/admin/budgets', { scope: 'team', id: 'team-self', limit_usd: 5, period: 'monthly' });
    const info = await adminCall('/v1/key', undefined, created.key);
    expect(info.status).toBe(200);
    expect(info.json.data).toMatchObject({
      id: created.id,
      alias: 'self-aware',
      is_master: false,
      team_id: 'team-self',
      models: ['gpt-4o-mini'],
      rpm_limit: 50,
      tpm_limit: null,
      max_parallel_requests: null,
      limit_remaining_usd: 1,
    });
    expect(info.json.data.budgets).toEqual([
      expect.objectContaining({ scope: 'key', id: created.id, period: 'daily', limit_usd: 1, spent_usd: 0, remaining_usd: 1 }),
      expect.objectContaining({ scope: 'team', id: 'team-self', period: 'monthly', limit_usd: 5, remaining_usd: 5 }),
    ]);
    expect(JSON.stringify(info.json)).not.toContain(created.key);

    // After a request, what it spent (or a lease still holds) is no longer remaining.
    await clientFor(created.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const after = await adminCall('/v1/key', undefined, created.key);
    const keyBudget = after.json.data.budgets.find((budget: any) => budget.scope === 'key');
    expect(keyBudget.spent_usd + keyBudget.reserved_usd).toBeGreaterThan(0);
    expect(keyBudget.remaining_usd).toBeCloseTo(1 - keyBudget.spent_usd - keyBudget.reserved_usd, 9);
    expect(after.json.data.limit_remaining_usd).toBe(keyBudget.remaining_usd);

    const master = await adminCall('/v1/key');
    expect(master.json.data).toMatchObject({ is_master: true, models: null, budgets: [], limit_remaining_usd: null });
    expect((await fetch(`${server.url}/v1/key`)).status).toBe(401);
  });
});

describe('rate limits (in memory, one instance)', () => {
  const chat = (key: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('admit a team\'s requests per minute, with OpenAI\'s x-ratelimit headers, then refuse with retry-after', async () => {
    const { key } = await createKey({ alias: 'rpm-agent', team_id: 'team-rpm' });
    const first = await chat(key);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    expect((await chat(key)).status).toBe(200);
    expect((await chat(key)).status).toBe(200);
    const refused = await chat(key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
    // OpenAI's rate-limit headers on the 429 too.
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    const body = (await refused.json()) as { error: { code: string; type: string; message: string } };
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(body.error.message).toMatch(/^The team "team-rpm" is limited to 3 requests per minute; retry in \d+s\.$/);
  });

  it('give a virtual key its own limits through the admin API (LiteLLM-named fields), and take them back', async () => {
    const created = await createKey({ alias: 'own-limits', rpm_limit: 2 });
    expect((await adminCall('/admin/keys')).json.data.find((key: { id: string }) => key.id === (created as { id: string }).id)).toMatchObject({ rpm_limit: 2, tpm_limit: null, max_parallel_requests: null });
    await sleep(250); // the key cache (200 ms here) forgets the lookup of the first request
    expect((await chat(created.key)).status).toBe(200);
    expect((await chat(created.key)).status).toBe(200);
    const refused = await chat(created.key);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^The key "key_[\w-]+" is limited to 2 requests per minute/);
    expect((await adminCall('/admin/keys/update', { id: created.id, rpm_limit: null })).json.rpm_limit).toBeNull();
    await sleep(250);
    expect((await chat(created.key)).status).toBe(200);
  });

  it('hold a team to its parallel requests and free the slot when an answer ends', async () => {
    const { key } = await createKey({ alias: 'parallel-agent', team_id: 'team-parallel' });
    mock.enqueue({ delayMs: 400 });
    const slow = chat(key);
    await mock.waitFor((m) => m.requests.length > 0 && m.requests.at(-1)!.closedAt === undefined, 2_000);
    const second = await chat(key);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { message: string } }).error.message).toContain('limited to 1 requests at once');
    expect((await slow).status).toBe(200);
    await sleep(50); // the slot is freed when the request settles, just after its answer
    expect((await chat(key)).status).toBe(200);
  });

  it('give each request its own slot when clients send the same x-request-id (retries while the first is in flight)', async () => {
    const { key } = await createKey({ alias: 'same-id-agent', team_id: 'team-parallel-2' });
    const sameId = { 'x-request-id': 'client-retry-0001' };
    mock.enqueue({ delayMs: 400 }, { delayMs: 400 });
    const first = chat(key, sameId);
    const second = chat(key, sameId);
    await mock.waitFor((m) => m.requests.filter((request) => request.closedAt === undefined).length >= 2, 2_000);
    // Two in flight under one id fill a limit of two: a third is refused, whatever id it sends.
    expect((await chat(key, sameId)).status).toBe(429);
    const answers = await Promise.all([first, second]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[0]!.headers.get('x-request-id')).toBe('client-retry-0001');
    await sleep(50);
    expect((await chat(key, sameId)).status).toBe(200);
  });
});

describe('spend reports and the audit log', () => {
  it('report spend by team, day and end user as JSON and CSV, matching the ledger', async () => {
    const { key } = await createKey({ alias: 'reporting-agent', team_id: 'team-reports' });
    const client = clientFor(key);
    await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 10, user: 'end-user-7', messages: [{ role: 'user', content: 'one two three' }] });
    await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'four five' }] });
    // At once: the report has the ledger write what it holds (a batch at a time) before it reads.

    const byTeam = (await adminCall('/admin/spend?group_by=team&team_id=team-reports')).json;
    const database = new DatabaseSync(databasePath);
    const recorded = database.prepare("SELECT SUM(cost_micros) AS cost, SUM(prompt_tokens) AS prompt FROM tollgate_requests WHERE team_id = 'team-reports'").get() as { cost: number; prompt: number };
    database.close();
    expect(byTeam.data).toEqual([{ group: 'team-reports', requests: 2, errors: 0, prompt_tokens: recorded.prompt, completion_tokens: expect.any(Number), cost_usd: recorded.cost / 1e6, unknown_cost_requests: 0, web_searches: 0 }]);
    expect(byTeam.total_cost_usd).toBe(recorded.cost / 1e6);

    const today = new Date().toISOString().slice(0, 10);
    const byDay = (await adminCall(`/admin/spend?group_by=day&team_id=team-reports&from=${today}`)).json;
    expect(byDay.data.map((row: { group: string }) => row.group)).toEqual([today]);
    const byEndUser = (await adminCall('/admin/spend?group_by=end_user&team_id=team-reports')).json;
    expect(byEndUser.data.map((row: { group: string | null }) => row.group).sort()).toEqual(['end-user-7', null].sort());

    const csv = await fetch(`${server.url}/admin/spend?group_by=team&team_id=team-reports&format=csv`, { headers: { authorization: `Bearer ${masterKey}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')).toEqual(['group,requests,errors,prompt_tokens,completion_tokens,cost_usd,unknown_cost_requests,web_searches', expect.stringMatching(/^team-reports,2,0,\d+,\d+,0\.\d+,0,0$/), '']);
    expect((await adminCall('/admin/spend?group_by=planet')).status).toBe(400);
  });

  it('report a request answered a moment ago, though the ledger writes a batch a minute', async () => {
    const upstream = await createMockOpenAI();
    const reporting = await startQuietServer({
      plugins: ['@tollgate/provider-openai', { name: '@tollgate/ledger-sqlite', options: { path: await temporaryDatabasePath('tollgate-reports'), flushIntervalMs: 60_000 } }, { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': prices } } }, '@tollgate/governance'],
      auth: { masterKey },
      providers: { openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-upstream-000000000000' } },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
    });
    try {
      const admin = (path: string, body?: object) =>
        fetch(`${reporting.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then((answer) => answer.json() as Promise<any>);
      // A key under a budget: its request is settled in the store before it is recorded, after the answer.
      const agent = await admin('/admin/keys', { alias: 'reported-agent' });
      await admin('/admin/budgets', { scope: 'key', id: agent.id, limit_usd: 5, period: 'daily' });
      const client = new OpenAI({ baseURL: `${reporting.url}/v1`, apiKey: agent.key, maxRetries: 0 });
      const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'report me' }] }).withResponse();
      const { response } = await ask();
      expect((await admin('/admin/requests')).data.map((row: { request_id: string }) => row.request_id)).toEqual([response.headers.get('x-request-id')]);
      await ask();
      expect((await admin('/admin/spend?group_by=model')).data).toMatchObject([{ group: 'gpt-4o-mini', requests: 2 }]);
    } finally {
      await reporting.close();
      await upstream.close();
    }
  });

  it('audit every admin change with who made it, and never the key', async () => {
    const created = await createKey({ alias: 'audited', team_id: 'team-audit' });
    await adminCall('/admin/keys/update', { id: created.id, alias: 'audited-renamed' });
    await adminCall('/admin/keys/revoke', { id: created.id });
    await adminCall('/admin/budgets', { scope: 'team', id: 'team-audit', limit_usd: 2, period: 'weekly' });
    const log = (await adminCall('/admin/audit?limit=4')).json;
    expect(log.data.map((entry: { action: string; subject: string; actor: string }) => [entry.action, entry.subject, entry.actor])).toEqual([
      ['budget.set', 'team:team-audit', 'master'],
      ['key.revoke', created.id, 'master'],
      ['key.update', created.id, 'master'],
      ['key.create', created.id, 'master'],
    ]);
    expect(log.data[0].details).toEqual({ limit_usd: 2, period: 'weekly' });
    expect(JSON.stringify((await adminCall('/admin/audit?limit=1000')).json)).not.toMatch(/tg-[\w-]{32}/);
  });
});

describe('the tollgate CLI admin commands', () => {
  const execFile = promisify(execFileCallback);
  const cli = join(serverPackageDirectory, 'dist/cli.js');
  const tollgate = (args: string[], env: Record<string, string> = { TOLLGATE_MASTER_KEY: masterKey }) =>
    execFile(process.execPath, [cli, ...args, '--url', server.url], { env: { ...process.env, TOLLGATE_MASTER_KEY: '', ...env } }).catch((error: { code: number; stdout: string; stderr: string }) => error);

  it('create a key, set a budget, read spend as CSV and revoke, through the admin API', async () => {
    const created = (await tollgate(['keys', 'create', '--alias', 'cli-agent', '--team', 'team-cli', '--models', 'gpt-4o-mini', '--tags', 'project:cli, env:test'])) as { stdout: string };
    const key = JSON.parse(created.stdout) as { id: string; key: string; team_id: string; models: string[]; tags: string[] };
    expect(key).toMatchObject({ team_id: 'team-cli', models: ['gpt-4o-mini'], tags: ['project:cli', 'env:test'] });
    await expect(clientFor(key.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();

    const budget = JSON.parse(((await tollgate(['budgets', 'set', 'team', 'team-cli', '1.5', '--period', 'weekly'])) as { stdout: string }).stdout);
    expect(budget).toMatchObject({ scope: 'team', id: 'team-cli', limit_usd: 1.5, period: 'weekly' });
    await sleep(300);
    const csv = ((await tollgate(['spend', '--by', 'team', '--team', 'team-cli', '--csv'])) as { stdout: string }).stdout;
    expect(csv.split('\r\n')[1]).toMatch(/^team-cli,1,0,/);
    // The key's tags on its request, reported by tag.
    const byTag = ((await tollgate(['spend', '--by', 'tag', '--tag', 'project:cli', '--csv'])) as { stdout: string }).stdout;
    expect(byTag.split('\r\n').slice(1).filter(Boolean).map((line) => line.split(',').slice(0, 2).join(',')).sort()).toEqual(['env:test,1', 'project:cli,1']);
    // The key's own requests, newest first.
    const listed = JSON.parse(((await tollgate(['requests', '--key', key.id, '--limit', '5'])) as { stdout: string }).stdout) as { data: { key_id: string; model: string; status: number; tags: string[] }[] };
    expect(listed.data.map(({ key_id, model, status, tags }) => ({ key_id, model, status, tags }))).toEqual([{ key_id: key.id, model: 'gpt-4o-mini', status: 200, tags: ['project:cli', 'env:test'] }]);
    // Changed afterwards: only what is given.
    const updated = JSON.parse(((await tollgate(['keys', 'update', key.id, '--models', 'gpt-4o-mini,smart', '--rpm', '30', '--budget', '2.5', '--period', 'daily'])) as { stdout: string }).stdout);
    expect(updated).toMatchObject({ id: key.id, alias: 'cli-agent', models: ['gpt-4o-mini', 'smart'], tags: ['project:cli', 'env:test'], rpm_limit: 30, max_parallel_requests: null, budget: { scope: 'key', id: key.id, limit_usd: 2.5, period: 'daily' } });
    // An org created with its budget; a budget that is not a number refused by the API, naming it.
    expect(JSON.parse(((await tollgate(['orgs', 'create', 'org-cli', '--budget', '100'])) as { stdout: string }).stdout)).toMatchObject({ id: 'org-cli', budget: { scope: 'org', limit_usd: 100, period: 'monthly' } });
    expect(await tollgate(['orgs', 'create', 'org-cli-2', '--budget', 'lots'])).toMatchObject({ code: 1, stderr: expect.stringContaining('budget.limit_usd') });
    expect(await tollgate(['keys', 'update', key.id])).toMatchObject({ code: 1, stderr: expect.stringContaining('keys update ID needs something to change') });
    expect(JSON.parse(((await tollgate(['keys', 'revoke', key.id])) as { stdout: string }).stdout).status).toBe('revoked');
  });

  it('explain what is missing: the master key, a required option, an unreachable gateway', async () => {
    expect(await tollgate(['keys', 'list'], {})).toMatchObject({ code: 1, stderr: expect.stringContaining('Set TOLLGATE_MASTER_KEY') });
    expect(await tollgate(['keys', 'create'])).toMatchObject({ code: 1, stderr: expect.stringContaining('keys create needs --alias NAME.') });
    expect(await tollgate(['budgets', 'get', 'team', 'no-such-team'])).toMatchObject({ code: 1, stderr: expect.stringContaining('404: No budget on team "no-such-team".') });
    const unreachable = (await execFile(process.execPath, [cli, 'audit', '--url', 'http://127.0.0.1:1'], { env: { ...process.env, TOLLGATE_MASTER_KEY: masterKey } }).catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringContaining('Cannot reach the gateway at http://127.0.0.1:1') });
  });
});
