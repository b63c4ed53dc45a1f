import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetStore, createGateway, definePlugin, generateVirtualKey, GatewayError, KeyStore, RequestContext, type ChatCompletionRequest, type Gateway } from '@tollgate/core';
import { ledgerSqlitePlugin } from '@tollgate/ledger-sqlite';
import { echoPlugin } from '@tollgate/provider-echo';
import { mockPdf, pngOfSize } from '@tollgate/testkit';
import { estimatePromptTokens, inlineTokenCounter } from './estimate-prompt-tokens.js';
import { configuredBudgets, governanceOptionsSchema } from './governance-options.js';
import { governancePlugin } from './governance-plugin.js';

let gateway: Gateway | undefined;
let folder: string | undefined;
afterEach(async () => {
  await gateway?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

/** A gateway on the echo provider ($100 / $200 per million tokens), the SQLite store and governance; `seen` gets each request as dispatched. */
async function startGateway(options: Record<string, unknown>) {
  folder = await mkdtemp(join(tmpdir(), 'tollgate-governance-unit-'));
  const seen: ChatCompletionRequest[] = [];
  const spy = definePlugin({ name: 'spy', setup: (api) => api.addHook('log', (context) => void seen.push(context.request as ChatCompletionRequest)) });
  gateway = await createGateway({
    config: {
      auth: { masterKey: 'sk-governance-unit-master' },
      providers: { echo: { type: 'echo' } },
      models: { echo: { target: { target: 'echo/echo-1', price: { input: 100, output: 200 } } } },
    },
    plugins: [{ plugin: echoPlugin }, { plugin: ledgerSqlitePlugin, options: { path: join(folder, 'tollgate.sqlite') } }, { plugin: governancePlugin, options }, { plugin: spy }],
  });
  const generated = generateVirtualKey();
  await gateway.resolve(KeyStore)!.createKey({ id: generated.id, hash: generated.hash, hint: generated.hint, alias: 'unit', orgId: undefined, teamId: undefined, userId: undefined, models: undefined, expiresAt: undefined, status: 'active', metadata: {}, createdAt: Date.now() });
  const chat = async (request: Omit<ChatCompletionRequest, 'model'>) => {
    const context = new RequestContext({ requestId: `r-${Math.random()}`, operation: 'chat', ingress: 'openai', request: { model: 'echo', ...request } as ChatCompletionRequest, credential: generated.key });
    await gateway!.engine.handleChat(context);
    await gateway!.engine.drain();
    return context;
  };
  return { chat, seen, keyId: generated.id, budgets: gateway.resolve(BudgetStore)! };
}

describe('@tollgate/governance', () => {
  it('in clamp mode lowers max_tokens to what the remaining budget buys, then refuses below minClampedTokens', async () => {
    const { chat, seen, keyId, budgets } = await startGateway({ onInsufficientBudget: 'clamp' });
    await budgets.setBudget({ scope: 'key', id: keyId }, 12_000, 'daily', Date.now());
    await chat({ max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] });
    const promptMicros = Math.ceil(estimatePromptTokens({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }, 'chat') * 1.15 * 100);
    expect(seen[0]!.max_tokens).toBe(Math.floor((12_000 - promptMicros) / 200));

    // Spend the rest: the echo answer costs little, so a few clamped requests fit before the floor.
    let refused: unknown;
    for (let attempt = 0; attempt < 50 && refused === undefined; attempt += 1) {
      refused = await chat({ max_tokens: 1_000, messages: [{ role: 'user', content: 'a somewhat longer prompt to spend the budget faster '.repeat(5) }] }).then(() => undefined, (error: unknown) => error);
    }
    expect(GatewayError.isInstance(refused) && refused.code).toBe('TOLLGATE_BUDGET_EXCEEDED');
    const [budget] = await budgets.getBudgets([{ scope: 'key', id: keyId }], Date.now());
    expect(budget!.spentMicros).toBeLessThanOrEqual(12_000);
    expect(budget!.reservedMicros).toBe(0);
    expect(seen.every((request) => (request.max_tokens ?? 0) >= 16)).toBe(true);
  });

  it('counts prompt tokens with the tokenizer, not characters', () => {
    const request = { model: 'x', messages: [{ role: 'user' as const, content: 'Hello world' }] };
    // "Hello world" is 2 o200k tokens, plus 4 for the message and 3 for the reply.
    expect(estimatePromptTokens(request, 'chat')).toBe(9);
    expect(estimatePromptTokens({ model: 'x', input: ['Hello world', 'Hello'] }, 'embeddings')).toBe(3);
  });

  it('counts an inline text file as its text and a PDF as its pages, not their base64', () => {
    const file = (mediaType: string, bytes: Buffer) => ({ model: 'x', messages: [{ role: 'user' as const, content: [{ type: 'file', file: { file_data: `data:${mediaType};base64,${bytes.toString('base64')}` } }] }] });
    // "Hello world" is 2 o200k tokens, plus 4 for the message and 3 for the reply.
    expect(estimatePromptTokens(file('text/plain', Buffer.from('Hello world')), 'chat')).toBe(9);
    expect(estimatePromptTokens(file('application/pdf', mockPdf(3)), 'chat')).toBe(3 * 4_600 + 7);
    expect(estimatePromptTokens(file('application/pdf', mockPdf(3)), 'chat', inlineTokenCounter({ pdfPageTokens: 1_000, imagePixelsPerToken: 720 }))).toBe(3_007);
  });

  it('counts an image sent as data by its pixels, at least 1,500; one by URL, or whose size cannot be read, as 1,500', () => {
    const image = (url: string) => ({ model: 'x', messages: [{ role: 'user' as const, content: [{ type: 'image_url', image_url: { url } }] }] });
    const png = (width: number, height: number) => `data:image/png;base64,${Buffer.from(pngOfSize(width, height)).toString('base64')}`;
    // A 12-megapixel photo: 12,000,000 ÷ 720 pixels a token; 4 for the message and 3 for the reply.
    expect(estimatePromptTokens(image(png(4_000, 3_000)), 'chat')).toBe(16_667 + 7);
    expect(estimatePromptTokens(image(png(512, 512)), 'chat')).toBe(1_500 + 7);
    expect(estimatePromptTokens(image('https://example.com/photo.jpg'), 'chat')).toBe(1_500 + 7);
    expect(estimatePromptTokens(image('data:image/png;base64,bm90IGFuIGltYWdl'), 'chat')).toBe(1_500 + 7);
  });

  it('applies budgets declared in the config to config keys with a team', async () => {
    folder = await mkdtemp(join(tmpdir(), 'tollgate-governance-unit-'));
    gateway = await createGateway({
      config: {
        auth: { masterKey: 'sk-governance-unit-master', keys: [{ key: 'sk-config-key-of-team-t1', name: 'cfg', team: 't1' }] },
        providers: { echo: { type: 'echo' } },
        models: { echo: { target: { target: 'echo/echo-1', price: { input: 100, output: 200 } } } },
      },
      plugins: [{ plugin: echoPlugin }, { plugin: ledgerSqlitePlugin, options: { path: join(folder, 'tollgate.sqlite') } }, { plugin: governancePlugin, options: { budgets: [{ scope: 'team', id: 't1', limitUsd: 0.001, period: 'daily' }] } }],
    });
    const context = new RequestContext({ requestId: 'r-config', operation: 'chat', ingress: 'openai', request: { model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, credential: 'sk-config-key-of-team-t1' });
    const refused = await gateway.engine.handleChat(context).catch((error: unknown) => error);
    expect(GatewayError.isInstance(refused) && refused.message).toContain('The team budget of "t1" ($0.001000 daily)');
  });

  it('posts a budget alert once for each threshold a settlement crosses', async () => {
    const alerts: { threshold: number; spent_usd: number; limit_usd: number; scope: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        expect(req.headers.authorization).toBe('Bearer alert-secret');
        alerts.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as { port: number }).port;
      const { chat, keyId, budgets } = await startGateway({ alerts: { webhookUrl: `http://127.0.0.1:${port}/hook`, thresholds: [0.1, 0.15, 0.9], headers: { authorization: 'Bearer alert-secret' } } });
      await budgets.setBudget({ scope: 'key', id: keyId }, 10_000, 'monthly', Date.now());
      for (let index = 0; index < 2; index += 1) await chat({ max_tokens: 5, messages: [{ role: 'user', content: 'hi there' }] });
      for (let attempt = 0; attempt < 50 && alerts.length < 2; attempt += 1) await sleep(20);
      const [budget] = await budgets.getBudgets([{ scope: 'key', id: keyId }], Date.now());
      // Each request costs the same; the thresholds crossed depend on that cost, so check the rule itself.
      const perRequest = budget!.spentMicros / 2;
      const expected = [0.1, 0.15, 0.9].filter((threshold) => perRequest * 2 >= threshold * 10_000);
      expect(alerts.map((alert) => alert.threshold).sort()).toEqual(expected);
      expect(new Set(alerts.map((alert) => alert.threshold)).size).toBe(alerts.length);
      for (const alert of alerts) expect(alert).toMatchObject({ scope: 'key', limit_usd: 0.01 });
      expect(expected.length).toBeGreaterThan(0);
    } finally {
      receiver.close();
    }
  });

  it('refuses budgeted requests with 503 while the store is unreachable, rather than spend unchecked', async () => {
    const failing = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const brokenStore = definePlugin({
      name: 'broken-store',
      setup(api) {
        api.provide(KeyStore, { findKeyByHash: () => Promise.reject(failing), createKey: () => Promise.reject(failing), listKeys: () => Promise.reject(failing), updateKey: () => Promise.reject(failing), rotateKey: () => Promise.reject(failing) });
        api.provide(BudgetStore, { reserve: () => Promise.reject(failing), settle: () => Promise.reject(failing), setBudget: () => Promise.reject(failing), removeBudget: () => Promise.reject(failing), getBudgets: () => Promise.reject(failing), countReservations: () => Promise.reject(failing) });
      },
    });
    gateway = await createGateway({
      config: {
        auth: { masterKey: 'sk-governance-unit-master', keys: [{ key: 'sk-config-key-of-team-t1', name: 'cfg', team: 't1' }] },
        providers: { echo: { type: 'echo' } },
        models: { echo: { target: { target: 'echo/echo-1', price: { input: 100, output: 200 } } } },
      },
      plugins: [{ plugin: echoPlugin }, { plugin: brokenStore }, { plugin: governancePlugin }],
    });
    const request = (credential: string) => gateway!.engine.handleChat(new RequestContext({ requestId: `r-${credential}`, operation: 'chat', ingress: 'openai', request: { model: 'echo', messages: [{ role: 'user', content: 'hi' }] }, credential })).catch((error: unknown) => error);
    const budgeted = await request('sk-config-key-of-team-t1');
    expect(GatewayError.isInstance(budgeted) && [budgeted.status, budgeted.code]).toEqual([503, 'TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE']);
    const virtual = await request('tg-some-virtual-key-000000000000000000');
    expect(GatewayError.isInstance(virtual) && virtual.code).toBe('TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE');
    expect(JSON.stringify(virtual)).not.toContain('tg-some-virtual-key');
  });

  it('refuses a level with a budget both under `budgets` and its own entry, naming the path', () => {
    const result = governanceOptionsSchema.safeParse({ budgets: [{ scope: 'team', id: 't1', limitUsd: 1 }], teams: { t1: { budget: { limitUsd: 2 } }, t2: { budget: { limitUsd: 3 } } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['teams', 't1', 'budget'], message: 'the team "t1" has a budget under `budgets` too: keep one' })]);
    const accepted = governanceOptionsSchema.parse({ budgets: [{ scope: 'team', id: 't1', limitUsd: 1 }], users: { t1: { budget: { limitUsd: 2 } } } });
    expect(configuredBudgets(accepted)).toEqual([{ scope: 'team', id: 't1', limitUsd: 1, period: 'monthly' }, { scope: 'user', id: 't1', limitUsd: 2, period: 'monthly' }]);
  });

  it('refuses to start without a key and budget store, saying which plugin to list first', async () => {
    await expect(createGateway({ config: {}, plugins: [{ plugin: governancePlugin }] })).rejects.toThrow(/list "@tollgate\/ledger-sqlite" or "@tollgate\/ledger-postgres" before it/);
  });
});
