import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { serverPackageDirectory, startQuietServer } from './support/start-test-gateway.js';

const execFile = promisify(execFileCallback);
const cli = join(serverPackageDirectory, 'dist/cli.js');
const openRouterKey = 'sk-or-v1-catalog-test-000000000';
const agent = 'sk-catalog-agent-key-0000001';
let openrouter: MockOpenAI;
let folder: string;
let catalogFile: string;

beforeAll(async () => {
  // One model only the catalog knows (no price table has it): priced only if the catalog works.
  openrouter = await createMockOpenAI({
    flavor: 'openrouter',
    apiKey: openRouterKey,
    catalog: [
      { id: 'openai/gpt-4o-mini', input: 0.15, output: 0.6, cacheRead: 0.075, contextLength: 128_000, maxCompletionTokens: 16_384 },
      { id: 'anthropic/claude-sonnet-4.5', input: 3, output: 15, contextLength: 1_000_000 },
      { id: 'tollgate-test/catalog-only', input: 1, output: 2, contextLength: 32_768 },
      // A fee per request and per web search on top of the tokens.
      { id: 'perplexity/sonar', input: 1, output: 1, request: 0.005, webSearch: 0.005, contextLength: 127_072 },
      // Draws images, their tokens at $40 a million against $2 for its text.
      { id: 'tollgate-test/image-maker', input: 1, output: 2, imageOutput: 40, contextLength: 32_768 },
    ],
  });
  folder = await mkdtemp(join(tmpdir(), 'tollgate-catalog-'));
  await symlink(join(serverPackageDirectory, 'node_modules'), join(folder, 'node_modules'));
  catalogFile = join(folder, 'catalog', 'openrouter-models.json');
});

afterAll(async () => {
  await openrouter?.close();
  await rm(folder, { recursive: true, force: true });
});

/** A gateway routing every OpenRouter model (`openrouter/*`), with a team budget and the catalog as price source. */
function gateway(catalog: Record<string, unknown>): Promise<RunningServer> {
  return startQuietServer({
    plugins: [
      '@tollgate/ledger-sqlite',
      '@tollgate/pricing',
      { name: '@tollgate/provider-openrouter', options: { catalog: { file: catalogFile, ...catalog } } },
      { name: '@tollgate/governance', options: { budgets: [{ scope: 'team', id: 'research', limitUsd: 10 }] } },
    ].map((plugin) => (plugin === '@tollgate/ledger-sqlite' ? { name: plugin, options: { path: join(folder, `ledger-${Math.random()}.sqlite`) } } : plugin)),
    auth: { masterKey: 'sk-catalog-master-000000001', keys: [{ key: agent, name: 'agent', team: 'research' }] },
    providers: { openrouter: { type: 'openrouter', apiKey: openRouterKey, baseURL: openrouter.baseURL } },
    models: { 'openrouter/*': { target: 'openrouter/*' } },
  });
}

const ask = (server: RunningServer, model: string) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey: agent, maxRetries: 0 }).chat.completions.create({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });

describe("OpenRouter's catalog", () => {
  it('`tollgate models sync openrouter` writes it, with prices per million tokens and context sizes', async () => {
    await writeFile(
      join(folder, 'tollgate.config.json'),
      JSON.stringify({
        plugins: ['@tollgate/provider-openrouter'],
        providers: { openrouter: { type: 'openrouter', apiKey: '${OPENROUTER_API_KEY}', baseURL: openrouter.baseURL } },
      }),
    );
    const { stdout } = await execFile(process.execPath, [cli, 'models', 'sync', 'openrouter', '--config', 'tollgate.config.json', '--out', catalogFile], { cwd: folder, env: { ...process.env, OPENROUTER_API_KEY: openRouterKey } });
    expect(stdout).toContain(`Synced 5 OpenRouter models (prices, context sizes) from ${openrouter.baseURL} into ${catalogFile}`);
    const catalog = JSON.parse(await readFile(catalogFile, 'utf8')) as { models: { id: string; contextLength: number; prices: { input: number; output: number; cacheRead?: number } }[] };
    expect(catalog.models.find((model) => model.id === 'openai/gpt-4o-mini')).toEqual({ id: 'openai/gpt-4o-mini', contextLength: 128_000, maxCompletionTokens: 16_384, prices: { input: 0.15, output: 0.6, cacheRead: 0.075 } });
    // Fees per request and per search, per thousand as the price table has them: $0.005 each is $5.
    expect(catalog.models.find((model) => model.id === 'perplexity/sonar')?.prices).toEqual({ input: 1, output: 1, request: 5, webSearch: 5 });
    // The price of the images a model draws (`image_output`, per token).
    expect(catalog.models.find((model) => model.id === 'tollgate-test/image-maker')?.prices).toEqual({ input: 1, output: 2, imageOutput: 40 });
    expect(openrouter.requests.at(-1)!.headers.authorization).toBe(`Bearer ${openRouterKey}`);
  });

  it('prices `openrouter/*` routes, so a budgeted team can call them; a model it does not know stays unpriced', async () => {
    const server = await gateway({});
    try {
      await expect(ask(server, 'openrouter/tollgate-test/catalog-only')).resolves.toBeDefined();
      await expect(ask(server, 'openrouter/acme/unlisted-model-9000')).rejects.toMatchObject({ status: 403, code: 'price_unknown' });
    } finally {
      await server.close();
    }
  });

  it("holds a request for images at the image price (the catalog's, or the maker's where OpenRouter's table entry lacks it), and refuses one it has none for", async () => {
    const server = await gateway({});
    const drawing = (model: string, maxTokens: number) =>
      new OpenAI({ baseURL: `${server.url}/v1`, apiKey: agent, maxRetries: 0 }).chat.completions.create({
        model,
        max_tokens: maxTokens,
        messages: [{ role: 'user', content: 'draw a kite' }],
        modalities: ['image', 'text'],
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    try {
      openrouter.reset();
      // The team has $10: 300,000 tokens held at the catalog's $40 image price are $12 (at the $2 text price, $0.60).
      await expect(drawing('openrouter/tollgate-test/image-maker', 300_000)).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
      await expect(drawing('openrouter/tollgate-test/image-maker', 200_000)).resolves.toBeDefined();
      // Not in the catalog: the price table's OpenRouter entry ($2.50 a million out) with Google's $30 for the images it draws.
      await expect(drawing('openrouter/google/gemini-2.5-flash-image', 400_000)).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
      await expect(drawing('openrouter/google/gemini-2.5-flash-image', 300_000)).resolves.toBeDefined();
      // A model with no image price anywhere: its images cannot be bounded, so a budgeted key is refused — asked for text, it answers.
      const refused = await drawing('openrouter/tollgate-test/catalog-only', 1_000).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 403, code: 'price_unknown', param: 'modalities' });
      expect((refused as Error).message).toContain('has no known price for the images it draws');
      await expect(ask(server, 'openrouter/tollgate-test/catalog-only')).resolves.toBeDefined();
      expect(openrouter.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('syncs at startup when asked, and falls back to the cached file when OpenRouter cannot be reached', async () => {
    await rm(catalogFile);
    const unsynced = await gateway({});
    await expect(ask(unsynced, 'openrouter/tollgate-test/catalog-only')).rejects.toMatchObject({ code: 'price_unknown' });
    await unsynced.close();
    const synced = await gateway({ syncAtStartup: true, baseURL: openrouter.baseURL, apiKey: openRouterKey });
    await expect(ask(synced, 'openrouter/tollgate-test/catalog-only')).resolves.toBeDefined();
    // The wildcard route lists the catalog's models.
    const listed = await new OpenAI({ baseURL: `${synced.url}/v1`, apiKey: agent, maxRetries: 0 }).models.list();
    expect(listed.data.map((model) => model.id).sort()).toEqual(['openrouter/anthropic/claude-sonnet-4.5', 'openrouter/openai/gpt-4o-mini', 'openrouter/perplexity/sonar', 'openrouter/tollgate-test/catalog-only', 'openrouter/tollgate-test/image-maker']);
    await synced.close();
    const offline = await gateway({ syncAtStartup: true, baseURL: 'http://127.0.0.1:1/api/v1' });
    try {
      await expect(ask(offline, 'openrouter/tollgate-test/catalog-only')).resolves.toBeDefined();
    } finally {
      await offline.close();
    }
  });
});
