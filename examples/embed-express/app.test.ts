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

it('maps the app\'s own users to Tollgate principals through a custom auth hook', async () => {
  const login = async (user: string) => ((await (await fetch(`${origin}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) })).json()) as { token: string }).token;
  const alice = await login('alice');
  const bob = await login('bob');
  // The app's own routes take the session…
  expect(await (await fetch(`${origin}/api/me`, { headers: { authorization: `Bearer ${bob}` } })).json()).toEqual({ user: 'bob', team: 'support' });
  // …and so does the gateway, as the app's user, with that user's allowed models.
  const asAlice = new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: alice, maxRetries: 0 });
  const asBob = new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: bob, maxRetries: 0 });
  await expect(asAlice.chat.completions.create({ model: 'echo-large', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  const refused = await asBob.chat.completions.create({ model: 'echo-large', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
  expect(refused).toMatchObject({ status: 403, code: 'model_not_allowed' });
  expect((refused as { error: { message: string } }).error.message).toContain('Key "bob" may not call model "echo-large"');
  expect((await asBob.models.list()).data.map((model) => model.id)).toEqual(['echo']);
  await expect(new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: 'app-session-not-a-real-one', maxRetries: 0 }).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
});
