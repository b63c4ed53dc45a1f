import express from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTollgate, type Tollgate } from '../src/index.js';
import { listenLocally, masterKey, serverPackageDirectory, temporaryDatabasePath } from './support/start-test-gateway.js';

let server: Awaited<ReturnType<typeof listenLocally>>;
let tollgate: Tollgate;
/** A second gateway mounted beside the first, keeping Responses turns (the SQLite ledger is a response store). */
let keeping: Tollgate;
let origin: string;

beforeAll(async () => {
  const app = express();
  // The host app's own body parser and routes; the gateway copes with an already-parsed body.
  app.use(express.json());
  app.get('/api/hello', (_req, res) => void res.json({ hello: 'from the host app' }));
  app.post('/api/echo', (req, res) => void res.json({ received: req.body }));
  tollgate = await createTollgate({
    config: { plugins: ['@tollgate/provider-echo'], auth: { masterKey }, providers: { echo: { type: 'echo' } }, models: { echo: { target: 'echo/echo-1' } } },
    cwd: serverPackageDirectory,
    logger: (await import('pino')).pino({ enabled: false }),
  });
  app.use('/llm', tollgate.router);
  keeping = await createTollgate({
    config: {
      plugins: ['@tollgate/provider-echo', { name: '@tollgate/ledger-sqlite', options: { path: await temporaryDatabasePath('tollgate-embed') } }],
      auth: { masterKey },
      providers: { echo: { type: 'echo' } },
      models: { echo: { target: 'echo/echo-1' } },
    },
    cwd: serverPackageDirectory,
    logger: (await import('pino')).pino({ enabled: false }),
  });
  app.use('/kept', keeping.router);
  app.use((_req, res) => void res.status(404).send('host 404'));
  server = await listenLocally(app);
  origin = server.origin;
});

afterAll(async () => {
  await tollgate.close();
  await keeping.close();
  await server.close();
});

describe('the gateway mounted in an existing Express app', () => {
  it('serves the gateway under the mount path to the openai client, JSON and streaming', async () => {
    const client = new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: masterKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'mounted' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: mounted');
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'mounted stream' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: mounted stream');
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(['echo']);
    expect(await client.models.retrieve('echo')).toMatchObject({ id: 'echo', object: 'model' });
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect((await fetch(`${origin}/llm/health/ready`)).status).toBe(200);
  });

  it('serves every method of a route: a kept response is read and deleted, and a POST to it is refused', async () => {
    const client = new OpenAI({ baseURL: `${origin}/kept/v1`, apiKey: masterKey, maxRetries: 0 });
    const response = await client.responses.create({ model: 'echo', input: 'keep me' });
    expect(await client.responses.retrieve(response.id)).toMatchObject({ id: response.id, object: 'response' });
    const posted = await fetch(`${origin}/kept/v1/responses/${response.id}`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: '{}' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, DELETE');
    await expect(client.responses.delete(response.id)).resolves.toMatchObject({ id: response.id, deleted: true });
    await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
  });

  it("keeps the host app's own routes working, and leaves unknown paths to the host", async () => {
    expect(await (await fetch(`${origin}/api/hello`)).json()).toEqual({ hello: 'from the host app' });
    const echoed = await fetch(`${origin}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await echoed.json()).toEqual({ received: { a: 1 } });
    expect(await (await fetch(`${origin}/llm/not-a-route`)).text()).toBe('host 404');
    // The paths without /v1 are the standalone server's: mounted, the router leaves them to the host.
    expect(await (await fetch(`${origin}/llm/models`)).text()).toBe('host 404');
    expect(await (await fetch(`${origin}/v1/chat/completions`)).text()).toBe('host 404');
  });
});
