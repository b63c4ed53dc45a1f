import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript example
import { createApp } from './app.mjs';

let server: Server;
let close: () => Promise<void>;
let origin: string;

beforeAll(async () => {
  const { app, tollgate } = await createApp();
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    await tollgate.close();
    await new Promise((resolve) => server.close(resolve));
  };
});
afterAll(() => close());

it('answers on its own routes and on the mounted gateway', async () => {
  expect(await (await fetch(`${origin}/api/status`)).json()).toEqual({ ok: true });
  const client = new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: 'sk-example-app-key-0001', maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'from the example' }] });
  expect(completion.choices[0]?.message.content).toBe('Echo: from the example');
});
