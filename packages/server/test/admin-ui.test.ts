import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '@tollgate/core';
import type { MockOpenAI } from '@tollgate/testkit';
import { createTollgate, type RunningServer } from '../src/index.js';
import { adminClient } from './support/admin-client.js';
import { click, openAdminPage, rowsOf, submit, until } from './support/admin-page.js';
import { listenLocally, serverPackageDirectory, startLedgeredGateway, temporaryDatabasePath } from './support/start-test-gateway.js';

// The admin pages run in jsdom against the real gateway: the page's own HTML and script as the
// gateway serves them, its fetch calls going to the gateway's admin API over HTTP.

const masterKey = 'sk-admin-ui-master-0000000001';
let mock: MockOpenAI;
let server: RunningServer;

const api = adminClient(() => server, masterKey);
/** The admin API's JSON answer. */
const admin = async (path: string, body?: object): Promise<any> => (await api.admin(path, body)).json;

beforeAll(async () => {
  ({ mock, server } = await startLedgeredGateway(
    'tollgate-admin-ui',
    [
      // $1 per million input tokens, $2 per million output tokens.
      { name: '@tollgate/pricing', options: { overrides: { 'openai/gpt-4o-mini': { input: 1, output: 2 } } } },
      { name: '@tollgate/governance', options: { keyCacheMs: 0 } },
    ],
    { auth: { masterKey } },
  ));
  // Traffic from two keys of two teams: 10 + 2 × 5 = 20 and 30 + 2 × 10 = 50 micro-dollars.
  const search = await admin('/admin/keys', { alias: 'search-agent', team_id: 'search', tags: ['customer:acme'] });
  const support = await admin('/admin/keys', { alias: '<img src=x onerror=alert(1)>', team_id: 'support' });
  mock.enqueue({ usage: { prompt_tokens: 10, completion_tokens: 5 } });
  await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: search.key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  mock.enqueue({ usage: { prompt_tokens: 30, completion_tokens: 10 } });
  await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: support.key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
  await server.tollgate.gateway.engine.drain();
  await server.tollgate.gateway.resolve(Ledger)!.flush();
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

/** The admin page at the gateway (or at `pageUrl`), signed in unless `signedIn` is false. */
const openPage = (signedIn = true, pageUrl = `${server.url}/admin/ui/`) => openAdminPage(pageUrl, signedIn ? masterKey : undefined);

describe('the admin pages (/admin/ui)', () => {
  it('are static files with a strict content security policy, served without a key', async () => {
    const bare = await fetch(`${server.url}/admin/ui`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('ui/');
    const page = await fetch(`${server.url}/admin/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${server.url}/admin/ui/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.url}/admin/ui/app.css`)).status).toBe(200);
  });

  it('work where the router is mounted in a host app, their files and the API found relative to the page', async () => {
    const app = express();
    const mounted = await createTollgate({
      config: { plugins: ['@tollgate/provider-echo', { name: '@tollgate/ledger-sqlite', options: { path: await temporaryDatabasePath('tollgate-admin-ui-mounted') } }], auth: { masterKey }, providers: { echo: { type: 'echo' } }, models: { echo: { target: 'echo/echo-1' } } },
      cwd: serverPackageDirectory,
      logger: (await import('pino')).pino({ enabled: false }),
    });
    app.use('/llm', mounted.router);
    const host = await listenLocally(app);
    try {
      const redirected = await fetch(`${host.origin}/llm/admin/ui`);
      expect(redirected.url).toBe(`${host.origin}/llm/admin/ui/`);
      const window = await openPage(false, `${host.origin}/llm/admin/ui/`);
      submit(window, 'sign-in', { key: masterKey });
      click(window, '#tabs button[data-view="budgets"]');
      await until(window, () => window.document.querySelector('#budgets-table .empty') !== null);
      submit(window, 'budget-set', { scope: 'team', id: 'mounted', limit_usd: '1', period: 'daily' });
      await until(window, () => rowsOf(window, 'budgets-table').length === 1);
      expect(rowsOf(window, 'budgets-table')[0]!.slice(0, 4)).toEqual(['team', 'mounted', 'daily', '$1.00']);
    } finally {
      await mounted.close();
      await host.close();
    }
  });

  it('refuse a wrong key, then show spend by day and by model as the admin API reports it', async () => {
    const window = await openPage(false);
    expect(window.document.getElementById('tabs')!.hidden).toBe(true);
    submit(window, 'sign-in', { key: 'sk-not-the-master-key-000000' });
    await until(window, () => !window.document.getElementById('error')!.hidden);
    expect(window.document.getElementById('error')!.textContent).toMatch(/key/i);
    expect(window.document.getElementById('sign-in')!.hidden).toBe(false);

    submit(window, 'sign-in', { key: masterKey });
    await until(window, () => rowsOf(window, 'spend-table').length > 0);
    expect(window.document.getElementById('spend-total')!.textContent).toBe('$0.000070');
    expect(rowsOf(window, 'spend-table')).toEqual([[new Date().toISOString().slice(0, 10), '2', '0', '40', '15', '$0.000070', '', '0']]);

    submit(window, 'spend-query', { group_by: 'team' });
    await until(window, () => rowsOf(window, 'spend-table').length === 2);
    expect(rowsOf(window, 'spend-table').map((row) => [row[0], row[5]])).toEqual([['support', '$0.000050'], ['search', '$0.000020']]);
    expect(window.sessionStorage.getItem('tollgate.adminKey')).toBe(masterKey);

    // By key: each virtual key by its alias, as text.
    submit(window, 'spend-query', { group_by: 'key' });
    await until(window, () => rowsOf(window, 'spend-table').some((row) => row[0] === 'search-agent'));
    expect(rowsOf(window, 'spend-table').map((row) => [row[0], row[5]])).toEqual([['<img src=x onerror=alert(1)>', '$0.000050'], ['search-agent', '$0.000020']]);
    expect(window.document.querySelector('#spend-table img')).toBeNull();
  });

  it('list keys with their aliases as text; create one (shown once), suspend, activate, rotate and revoke it; list each change in the audit log', async () => {
    const window = await openPage();
    click(window, '#tabs button[data-view="keys"]');
    await until(window, () => rowsOf(window, 'keys-table').length === 2);
    expect(rowsOf(window, 'keys-table').map((row) => row[0]).sort()).toEqual(['<img src=x onerror=alert(1)>', 'search-agent']);
    expect(window.document.querySelector('#keys-table img')).toBeNull();

    submit(window, 'key-create', { alias: 'made-in-ui', team_id: 'search', models: 'gpt-4o-mini', tags: 'customer:acme, env:prod', rpm_limit: '60', max_parallel_requests: '4', budget_usd: '2', budget_period: 'weekly' });
    await until(window, () => rowsOf(window, 'keys-table').length === 3);
    const secret = window.document.getElementById('key-secret')!.textContent!;
    expect(window.document.getElementById('key-created')!.hidden).toBe(false);
    const made = (await admin('/admin/keys')).data.find((key: { alias: string }) => key.alias === 'made-in-ui');
    expect(made).toMatchObject({ team_id: 'search', models: ['gpt-4o-mini'], tags: ['customer:acme', 'env:prod'], rpm_limit: 60, tpm_limit: null, max_parallel_requests: 4, status: 'active' });
    expect(rowsOf(window, 'keys-table').find((row) => row[0] === 'made-in-ui')![6]).toBe('60/min, 4 at once');
    // Its budget, given in the same form.
    expect(await admin(`/admin/budgets?scope=key&id=${made.id}`)).toMatchObject({ limit_usd: 2, period: 'weekly' });
    expect(made.hint).toBe(`${secret.slice(0, 6)}…${secret.slice(-4)}`);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: secret, maxRetries: 0 });
    mock.enqueue({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'works' }] });

    /** The button of the key's row whose label begins with `label`. */
    const buttonOf = (label: string) =>
      [...[...window.document.querySelectorAll('#keys-table tbody tr')].find((row) => row.querySelector('td')!.textContent === 'made-in-ui')!.querySelectorAll('button')].find((button) => button.textContent!.startsWith(label))!;
    const statusOfMade = () => rowsOf(window, 'keys-table').find((row) => row[0] === 'made-in-ui')![7];

    // Suspend, then activate: the key is refused in between.
    buttonOf('Suspend').click();
    buttonOf('Suspend').click();
    await until(window, () => statusOfMade() === 'suspended');
    expect(((await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'suspended' }] }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    buttonOf('Activate').click();
    buttonOf('Activate').click();
    await until(window, () => statusOfMade() === 'active');

    // Rotate: a new secret, shown once; the old one stops.
    buttonOf('Rotate').click();
    buttonOf('Rotate').click();
    await until(window, () => window.document.getElementById('key-secret')!.textContent !== secret);
    const rotated = window.document.getElementById('key-secret')!.textContent!;
    expect(window.document.getElementById('key-created-label')!.textContent).toBe('New key of made-in-ui');
    mock.enqueue({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
    await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: rotated, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'rotated' }] });
    expect(((await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'old secret' }] }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>).status).toBe(401);

    // Revoke asks once more before it acts.
    const revokeOf = () => buttonOf('Revoke');
    revokeOf().click();
    expect(revokeOf().textContent).toBe('Revoke? Click again');
    expect((await admin('/admin/keys')).data.find((key: { alias: string }) => key.alias === 'made-in-ui').status).toBe('active');
    revokeOf().click();
    await until(window, () => rowsOf(window, 'keys-table').some((row) => row[0] === 'made-in-ui' && row[7] === 'revoked'));
    const refused = (await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: rotated, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(401);

    // The audit log lists each change, newest first, never a secret.
    click(window, '#tabs button[data-view="audit"]');
    await until(window, () => rowsOf(window, 'audit-table').length > 0);
    const audit = rowsOf(window, 'audit-table');
    expect(audit.slice(0, 5).map((row) => [row[1], row[2], row[3]])).toEqual([
      ['master', 'key.revoke', made.id],
      ['master', 'key.rotate', made.id],
      ['master', 'key.update', made.id],
      ['master', 'key.update', made.id],
      ['master', 'key.create', made.id],
    ]);
    expect(window.document.getElementById('audit-table')!.textContent).not.toContain(rotated);
    expect(window.document.getElementById('audit-table')!.textContent).not.toContain(secret);
    // The budgets view starts empty in the next test.
    await admin('/admin/budgets/delete', { scope: 'key', id: made.id });
  });

  it('edit a key: its form shows what the key has; saved, the key has what the form says', async () => {
    const created = await admin('/admin/keys', { alias: 'editable', models: ['gpt-4o-mini'], tags: ['env:dev'], rpm_limit: 60, max_parallel_requests: 4, budget: { limit_usd: 3, period: 'daily' } });
    const window = await openPage();
    click(window, '#tabs button[data-view="keys"]');
    await until(window, () => rowsOf(window, 'keys-table').some((row) => row[0] === 'editable'));
    const row = [...window.document.querySelectorAll('#keys-table tbody tr')].find((candidate) => candidate.querySelector('td')!.textContent === 'editable')!;
    [...row.querySelectorAll('button')].find((button) => button.textContent === 'Edit')!.click();
    const form = window.document.getElementById('key-edit') as HTMLFormElement;
    await until(window, () => !form.hidden);
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    expect([value('alias'), value('models'), value('tags'), value('rpm_limit'), value('tpm_limit'), value('max_parallel_requests'), value('budget_usd'), value('budget_period')]).toEqual(['editable', 'gpt-4o-mini', 'env:dev', '60', '', '4', '3', 'daily']);

    // More models, 120 a minute, no limit at once, no budget.
    submit(window, 'key-edit', { models: 'gpt-4o-mini, gpt-4o', rpm_limit: '120', max_parallel_requests: '', budget_usd: '' });
    await until(window, () => form.hidden && rowsOf(window, 'keys-table').find((candidate) => candidate[0] === 'editable')?.[6] === '120/min');
    expect((await admin('/admin/keys')).data.find((key: { id: string }) => key.id === created.id)).toMatchObject({ alias: 'editable', models: ['gpt-4o-mini', 'gpt-4o'], tags: ['env:dev'], rpm_limit: 120, tpm_limit: null, max_parallel_requests: null });
    expect((await api.admin(`/admin/budgets?scope=key&id=${created.id}`)).status).toBe(404);
    await admin('/admin/keys/revoke', { id: created.id });
  });

  it('set a budget, list every budget with what is left, and remove one', async () => {
    const window = await openPage();
    click(window, '#tabs button[data-view="budgets"]');
    await until(window, () => window.document.querySelector('#budgets-table .empty') !== null);
    submit(window, 'budget-set', { scope: 'tag', id: 'customer:acme', limit_usd: '5', period: 'daily' });
    await until(window, () => rowsOf(window, 'budgets-table').length === 1);
    submit(window, 'budget-set', { scope: 'team', id: 'search', limit_usd: '0.5', period: 'monthly' });
    await until(window, () => rowsOf(window, 'budgets-table').length === 2);
    expect(rowsOf(window, 'budgets-table').map((row) => row.slice(0, 7))).toEqual([
      ['tag', 'customer:acme', 'daily', '$5.00', '$0.00', '$0.00', '$5.00'],
      ['team', 'search', 'monthly', '$0.50', '$0.00', '$0.00', '$0.50'],
    ]);
    expect((await admin('/admin/budgets')).data.map(({ scope, id }: { scope: string; id: string }) => `${scope}:${id}`)).toEqual(['tag:customer:acme', 'team:search']);

    const removeOf = () => window.document.querySelectorAll('#budgets-table tbody tr')[1]!.querySelector('button')!;
    removeOf().click();
    removeOf().click();
    await until(window, () => rowsOf(window, 'budgets-table').length === 1);
    expect((await admin('/admin/budgets')).data).toHaveLength(1);
  });

  it('create an org and a team in it with the models and rate limits of every key under it, change one limit, lift them, remove the team', async () => {
    const window = await openPage();
    click(window, '#tabs button[data-view="directory"]');
    await until(window, () => window.document.querySelector('#directory-table .empty') !== null);
    submit(window, 'entry-put', { kind: 'org', id: 'acme' });
    await until(window, () => rowsOf(window, 'directory-table').length === 1);
    submit(window, 'entry-put', { kind: 'team', id: 'research', parent: 'acme', models: 'gpt-4o-mini, gpu/*', rpm_limit: '600', tpm_limit: '', max_parallel_requests: '', budget_usd: '25', budget_period: 'monthly' });
    await until(window, () => rowsOf(window, 'directory-table').length === 2);
    expect(await admin('/admin/budgets?scope=team&id=research')).toMatchObject({ limit_usd: 25, period: 'monthly' });
    expect(rowsOf(window, 'directory-table').map((row) => row.slice(0, 7))).toEqual([
      ['org', 'acme', '—', 'all', '—', '—', '—'],
      ['team', 'research', 'acme', 'gpt-4o-mini, gpu/*', '600', '—', '—'],
    ]);
    // A key under the team may call only what the team allows.
    const key = await admin('/admin/keys', { alias: 'researcher', team_id: 'research' });
    const models = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key.key, maxRetries: 0 }).models.list();
    expect(models.data.map((model) => model.id)).toEqual(['gpt-4o-mini']);

    // Only the number of requests at once given: the team keeps its org, its models and its 600 a minute.
    submit(window, 'entry-put', { kind: 'team', id: 'research', parent: '', models: '', rpm_limit: '', tpm_limit: '', max_parallel_requests: '4' });
    await until(window, () => rowsOf(window, 'directory-table')[1]?.[6] === '4');
    expect((await admin('/admin/teams')).data[0]).toMatchObject({ id: 'research', org_id: 'acme', models: ['gpt-4o-mini', 'gpu/*'], rpm_limit: 600, tpm_limit: null, max_parallel_requests: 4 });

    const teamButton = (label: string) => [...window.document.querySelectorAll('#directory-table tbody tr')[1]!.querySelectorAll('button')].find((button) => button.textContent!.startsWith(label))!;
    teamButton('Lift limits').click();
    teamButton('Lift limits').click();
    await until(window, () => rowsOf(window, 'directory-table')[1]?.[3] === 'all');
    expect((await admin('/admin/teams')).data[0]).toMatchObject({ id: 'research', org_id: 'acme', models: null, rpm_limit: null, max_parallel_requests: null });
    teamButton('Remove').click();
    teamButton('Remove').click();
    await until(window, () => rowsOf(window, 'directory-table').length === 1);
    expect((await admin('/admin/teams')).data).toEqual([]);
  });

  it('list the latest requests (a cut stream\'s cost marked as estimated), errors only on demand, and sign out', async () => {
    // A stream its client left after its first words: charged what went by, an estimate.
    mock.enqueue({ content: 'one two three four five six', stream: { chunkDelayMs: 30 } });
    const stream = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count' }] });
    for await (const chunk of stream) if ((chunk.choices[0]?.delta.content ?? '') !== '') break;
    for (let attempt = 0; attempt < 50 && (await admin('/admin/requests?errors=true')).data.every((request: { status: number }) => request.status !== 499); attempt += 1) {
      await server.tollgate.gateway.engine.drain();
      await server.tollgate.gateway.resolve(Ledger)!.flush();
      await sleep(20);
    }
    const window = await openPage();
    click(window, '#tabs button[data-view="requests"]');
    await until(window, () => rowsOf(window, 'requests-table').length > 0);
    const rows = rowsOf(window, 'requests-table');
    expect(rows.map((row) => [row[1], row[2], row[4], row[7]])).toContainEqual(['<img src=x onerror=alert(1)>', 'gpt-4o-mini', '200', '$0.000050']);
    expect(rows[0]![4]).toBe('499 TOLLGATE_CLIENT_CLOSED_REQUEST');
    expect(rows[0]![7]).toMatch(/^~\$0\.0000\d\d$/);
    expect(rows.every((row) => row[10]!.length > 0)).toBe(true);
    (window.document.querySelector('#requests-query input[name="errors"]') as HTMLInputElement).checked = true;
    submit(window, 'requests-query', {});
    // The errors: the stream left above, and the calls of the key suspended, rotated and revoked.
    await until(window, () => rowsOf(window, 'requests-table').length === 4);
    expect(rowsOf(window, 'requests-table').map((row) => row[4]!.slice(0, 4))).toEqual(['499 ', '401 ', '401 ', '401 ']);

    click(window, '#sign-out');
    expect(window.sessionStorage.getItem('tollgate.adminKey')).toBeNull();
    expect(window.document.getElementById('sign-in')!.hidden).toBe(false);
  });
});
