import { createServer, type Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startLedgeredGateway, startQuietServer } from './support/start-test-gateway.js';

const keys = { open: 'sk-webhook-open-team-0000001', closed: 'sk-webhook-closed-team-000001', parallel: 'sk-webhook-parallel-team-0001' };
let mock: MockOpenAI;
let server: RunningServer;
let moderation: Server;
const seen: { operation: string; messages?: { content: string }[]; input?: string | string[]; query?: string; documents?: string[]; key_id: string }[] = [];

/** A moderation service: blocks messages containing "forbidden" (after `delay=N` ms if asked), answers slowly to "slow". */
function startModeration(): Promise<string> {
  moderation = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      const parsed = JSON.parse(body) as (typeof seen)[number];
      seen.push(parsed);
      const text = [...(parsed.messages ?? []).map((message) => message.content), ...[parsed.input ?? []].flat(), parsed.query ?? '', ...(parsed.documents ?? [])].join(' ');
      const delay = Number(/delay=(\d+)/.exec(text)?.[1] ?? (text.includes('slow') ? 1_000 : 0));
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(text.includes('forbidden') ? { allowed: false, category: 'self_harm' } : { allowed: true }));
      }, delay);
    });
  });
  return new Promise((resolve) => moderation.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(moderation.address() as { port: number }).port}/check`)));
}

beforeAll(async () => {
  const url = await startModeration();
  const webhook = (options: object) => ({ name: '@tollgate/guardrail-webhook', options: { url, timeoutMs: 300, ...options } });
  ({ mock, server } = await startLedgeredGateway('tollgate-webhook', [
    webhook({ mode: 'before', failMode: 'open', appliesTo: { teams: ['open'] } }),
    webhook({ mode: 'before', failMode: 'closed', appliesTo: { teams: ['closed'] } }),
    webhook({ mode: 'parallel', failMode: 'closed', timeoutMs: 2_000, appliesTo: { teams: ['parallel'] } }),
  ], {
    auth: { masterKey: 'sk-webhook-master-0000000001', keys: Object.entries(keys).map(([team, key]) => ({ key, name: `${team}-agent`, team })) },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' }, 'text-embedding-3-small': { target: 'openai/text-embedding-3-small' }, 'bench-reranker': { target: 'openai/bge-reranker-v2-m3' } },
  }));
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
  moderation?.close();
});

beforeEach(() => {
  mock.reset();
  seen.length = 0;
});

const say = (key: string, content: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

describe('the webhook guardrail', () => {
  it('asks about embeddings and rerank requests too, sending their texts with the operation; a block names the field', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.closed, maxRetries: 0 });
    const embedded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['fine text'] });
    expect(embedded.data).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ operation: 'embeddings', input: ['fine text'], key_id: 'config:closed-agent' });
    const refused = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'something forbidden' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked', param: 'input' });
    const ranked = await client.post('/rerank', { body: { model: 'bench-reranker', query: 'q', documents: ['a forbidden passage'] } }).catch((error: unknown) => error);
    expect(seen.at(-1)).toMatchObject({ operation: 'rerank', query: 'q', documents: ['a forbidden passage'] });
    expect(ranked).toMatchObject({ status: 400, code: 'guardrail_blocked', param: 'documents' });
    expect(mock.requests.map((request) => request.path)).toEqual(['/v1/embeddings']);
  });

  it('before the upstream: a block never reaches it, and the service sees who asked (never the key)', async () => {
    const refused = await say(keys.open, 'something forbidden').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    expect((refused as { error: { message: string } }).error.message).toBe('Guardrail "webhook" blocked the request: the moderation service flagged it (self_harm).');
    expect(mock.requests).toHaveLength(0);
    expect(seen[0]).toMatchObject({ key_id: 'config:open-agent' });
    expect(JSON.stringify(seen)).not.toContain(keys.open);
    await expect(say(keys.open, 'something fine')).resolves.toBeDefined();
  });

  it('on a timeout, fails open or closed as configured', async () => {
    await expect(say(keys.open, 'a slow question')).resolves.toBeDefined();
    const closed = await say(keys.closed, 'a slow question').catch((error: unknown) => error);
    expect(closed).toMatchObject({ status: 503, code: 'guardrail_unavailable' });
    expect(mock.requests).toHaveLength(1);
  });

  it('in parallel: calls both at once, and a block cancels the upstream call', async () => {
    mock.enqueue({ delayMs: 1_500 });
    const started = performance.now();
    const refused = await say(keys.parallel, 'forbidden delay=100').catch((error: unknown) => error);
    const elapsed = performance.now() - started;
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    expect(elapsed).toBeLessThan(1_000);
    expect(mock.requests).toHaveLength(1);
    await mock.waitFor((m) => m.requests[0]!.aborted, 2_000);
    expect(mock.requests[0]!.aborted).toBe(true);

    // Allowed: the answer waits for the verdict, then goes out.
    mock.enqueue({ content: 'All good.' });
    const allowed = await say(keys.parallel, 'fine delay=200');
    expect(allowed.choices[0]!.message.content).toBe('All good.');
  });

  it('in parallel, leaves a whole answer as the upstream sent it: a Codex turn keeps its encrypted reasoning, and a block still stops it', async () => {
    const openai = await createMockOpenAI();
    const url = `http://127.0.0.1:${(moderation.address() as { port: number }).port}/check`;
    const gateway = await startQuietServer({
      plugins: ['@tollgate/provider-openai', { name: '@tollgate/guardrail-webhook', options: { url, mode: 'parallel', failMode: 'closed', timeoutMs: 2_000 } }],
      auth: { masterKey: 'sk-webhook-master-0000000001' },
      providers: { openai: { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-webhook-00000001', responsesAPI: true } },
      models: { 'gpt-5-codex': { target: 'openai/gpt-5-codex' } },
    });
    try {
      const responses = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-webhook-master-0000000001', maxRetries: 0 }).responses;
      const turn = (text: string) => ({ model: 'gpt-5-codex', input: text, reasoning: { effort: 'low' }, store: false, include: ['reasoning.encrypted_content'] });
      const answer = await responses.create(turn('fine delay=100') as never);
      expect(answer.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: 'gAAAA-mock-1' });
      await expect(responses.create(turn('forbidden delay=100') as never)).rejects.toMatchObject({ status: 400, code: 'guardrail_blocked' });
    } finally {
      await gateway.close();
      await openai.close();
    }
  });
});
