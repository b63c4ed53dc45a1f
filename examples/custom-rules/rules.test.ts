import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startServer, type RunningServer } from '@tollgate/server';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';

let mock: MockOpenAI;
let server: RunningServer;

beforeAll(async () => {
  mock = await createMockOpenAI();
  // The example's own config and plugin, with the echo provider swapped for a mock upstream.
  const config = parse(await readFile(new URL('./tollgate.config.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  config.plugins = ['@tollgate/provider-openai', config.plugins[1]];
  config.providers = { echo: { type: 'openai', baseURL: mock.baseURL } };
  server = await startServer({ config, cwd: new URL('.', import.meta.url).pathname, port: 0, logger: (await import('pino')).pino({ enabled: false }) });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

it('puts the house system prompt first and sends long prompts to the cheaper model', async () => {
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-example-rules-key-0001', maxRetries: 0 });
  await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'short question' }] });
  await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'long '.repeat(500) }] });
  expect(mock.requests[0]?.body.model).toBe('echo-smart');
  expect(mock.requests[0]?.body.messages).toEqual([
    { role: 'system', content: 'You are the ACME assistant. Answer briefly.' },
    { role: 'user', content: 'short question' },
  ]);
  expect(mock.requests[1]?.body.model).toBe('echo-cheap');
});
