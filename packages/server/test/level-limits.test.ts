import OpenAI from 'openai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { adminClient } from './support/admin-client.js';
import { serverPackageDirectory, startLedgeredGateway } from './support/start-test-gateway.js';

// LiteLLM's `/team/new {models, rpm_limit, tpm_limit}`: an operator limits a whole team (or org, or
// user) through the admin API — the models every key under it may call, and rate limits its keys
// share — without a config change and a restart.

const masterKey = 'sk-level-limits-master-00001';
let mock: MockOpenAI;
let server: RunningServer;
const { admin, keyClient: keyUnder } = adminClient(() => server, masterKey);

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway('tollgate-level-limits', [{ name: '@tollgate/governance', options: { keyCacheMs: 0 } }], {
    auth: { masterKey },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, 'gpt-4o': { target: 'openai/gpt-4o' }, 'o3-pro': { target: 'openai/o3-pro' } },
  }));
});

afterAll(async () => {
  await server.close();
  await mock.close();
});

beforeEach(() => mock.reset());


const ask = (client: OpenAI, model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as InstanceType<typeof OpenAI.APIError>);

describe('models and rate limits on a team, user or org', () => {
  it('a team limited to a model and 2 requests a minute: every key under it, together, whatever its own list', async () => {
    const team = await admin('/admin/teams', { id: 'search', models: ['gpt-4o-mini'], rpm_limit: 2 });
    expect(team.status).toBe(201);
    expect(team.json).toMatchObject({ id: 'search', models: ['gpt-4o-mini'], rpm_limit: 2, tpm_limit: null, max_parallel_requests: null });
    const indexer = await keyUnder('indexer', { team_id: 'search' });
    // Its own list allows gpt-4o; the team's does not.
    const ranker = await keyUnder('ranker', { team_id: 'search', models: ['gpt-4o-mini', 'gpt-4o'] });
    const other = await keyUnder('support-bot', {});

    const refused = await refusal(ask(ranker, 'gpt-4o'));
    expect(refused?.status).toBe(403);
    expect(refused?.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(refused?.message).toContain('The team "search" of key "ranker" may not call model "gpt-4o". It may call: gpt-4o-mini.');
    // `GET /v1/models` lists what the key may call after its team's list.
    expect((await ranker.models.list()).data.map((model) => model.id)).toEqual(['gpt-4o-mini']);
    expect(mock.requests).toHaveLength(0);

    // Two requests a minute for the team: one from each key, then neither gets a third.
    await ask(indexer, 'gpt-4o-mini');
    await ask(ranker, 'gpt-4o-mini');
    for (const client of [indexer, ranker]) {
      const limited = await refusal(ask(client, 'gpt-4o-mini'));
      expect(limited?.status).toBe(429);
      expect(limited?.error).toMatchObject({ code: 'rate_limit_exceeded' });
      expect(limited?.message).toContain('The team "search" is limited to 2 requests per minute');
    }
    expect(mock.requests).toHaveLength(2);
    // A key outside the team is neither limited nor narrowed.
    await ask(other, 'gpt-4o');
    expect(mock.requests).toHaveLength(3);

    // Lifted through the admin API: the models by null, the limits by null (the config's rules, none here).
    const lifted = await admin('/admin/teams', { id: 'search', models: null, rpm_limit: null });
    expect(lifted.json).toMatchObject({ models: null, rpm_limit: null });
    await ask(ranker, 'gpt-4o');
    await ask(indexer, 'gpt-4o-mini');
    expect(mock.requests).toHaveLength(5);
    // The ranker's own list still holds after its team's is gone.
    expect((await refusal(ask(ranker, 'o3-pro')))?.message).toContain('Key "ranker" may not call model "o3-pro". It may call: gpt-4o-mini, gpt-4o.');
    expect(mock.requests).toHaveLength(5);
  });

  it('a team declared in the config binds its config keys and virtual keys alike', async () => {
    // A second gateway on its own store: the config's `teams` written to the directory at startup.
    const configured = await startLedgeredGateway('tollgate-level-limits-config', [{ name: '@tollgate/governance', options: { keyCacheMs: 0, teams: { platform: { models: ['gpt-4o-mini'], rpm: 1 } } } }], {
      auth: { masterKey, keys: [{ key: 'sk-config-agent-000000000001', name: 'config-agent', team: 'platform' }, { key: 'sk-config-other-000000000001', name: 'config-other', team: 'other' }] },
      models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, 'gpt-4o': { target: 'openai/gpt-4o' } },
    });
    try {
      const configKey = new OpenAI({ baseURL: `${configured.server.url}/v1`, apiKey: 'sk-config-agent-000000000001', maxRetries: 0 });
      // Its GET /v1/models lists what its team allows, as a virtual key's does.
      expect((await configKey.models.list()).data.map((model) => model.id)).toEqual(['gpt-4o-mini']);
      const refused = await refusal(ask(configKey, 'gpt-4o'));
      expect(refused?.status).toBe(403);
      expect(refused?.message).toContain('The team "platform" of key "config-agent" may not call model "gpt-4o"');
      await ask(configKey, 'gpt-4o-mini');
      // One request a minute for the team, a virtual key of it included.
      const created = await fetch(`${configured.server.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ alias: 'platform-bot', team_id: 'platform' }) });
      const virtualKey = new OpenAI({ baseURL: `${configured.server.url}/v1`, apiKey: ((await created.json()) as { key: string }).key, maxRetries: 0 });
      expect((await refusal(ask(virtualKey, 'gpt-4o-mini')))?.message).toContain('The team "platform" is limited to 1 requests per minute');
      // A config key of another team is not.
      const other = new OpenAI({ baseURL: `${configured.server.url}/v1`, apiKey: 'sk-config-other-000000000001', maxRetries: 0 });
      await ask(other, 'gpt-4o');
      expect(configured.mock.requests).toHaveLength(2);
      const listed = await fetch(`${configured.server.url}/admin/teams`, { headers: { authorization: `Bearer ${masterKey}` } }).then((response) => response.json() as Promise<{ data: unknown[] }>);
      expect(listed.data).toEqual([expect.objectContaining({ id: 'platform', name: 'platform', models: ['gpt-4o-mini'], rpm_limit: 1 })]);
    } finally {
      await configured.server.close();
      await configured.mock.close();
    }
  });

  it('an org and a user limited from the CLI: a key of the user answers to both, the tighter list wins', async () => {
    // The built CLI, as an operator runs it.
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, [join(serverPackageDirectory, 'dist/cli.js'), ...args, '--url', server.url], { env: { ...process.env, TOLLGATE_MASTER_KEY: masterKey } });
    await cli('orgs', 'create', 'acme', '--models', 'gpt-4o-mini,gpt-4o');
    await cli('teams', 'create', 'research', '--org', 'acme');
    const user = JSON.parse((await cli('users', 'create', 'alice', '--team', 'research', '--models', 'gpt-4o,o3-pro', '--parallel', '1')).stdout) as Record<string, unknown>;
    expect(user).toMatchObject({ id: 'alice', team_id: 'research', models: ['gpt-4o', 'o3-pro'], max_parallel_requests: 1 });
    // The key inherits the user's team and the team's org.
    const alice = await keyUnder('alice-laptop', { user_id: 'alice' });

    expect((await refusal(ask(alice, 'gpt-4o-mini')))?.message).toContain('The user "alice" of key "alice-laptop" may not call model "gpt-4o-mini"');
    expect((await refusal(ask(alice, 'o3-pro')))?.message).toContain('The org "acme" of key "alice-laptop" may not call model "o3-pro"');
    // One request at a time for alice: a second while the first is answered waits for nothing, it is refused.
    mock.enqueue({ delayMs: 300 });
    const first = ask(alice, 'gpt-4o');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await refusal(ask(alice, 'gpt-4o'));
    expect(second?.status).toBe(429);
    expect(second?.message).toContain('The user "alice" is limited to 1 requests at once');
    await first;
    await ask(alice, 'gpt-4o');
    expect(mock.requests).toHaveLength(2);
  });
});
