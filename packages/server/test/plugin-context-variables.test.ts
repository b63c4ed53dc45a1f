import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { definePlugin } from '@tollgate/core';
import { startServer, type RunningServer } from '../src/index.js';
import { masterKey, serverPackageDirectory } from './support/start-test-gateway.js';

// Exactly what a plugin package writes: augmenting the public module, not an internal path.
// `npm test` type-checks this file, so a change that breaks the augmentation fails CI.
declare module '@tollgate/core' {
  interface ContextVariableMap {
    promptChars: number;
  }
}

const seen: number[] = [];
const measuring = definePlugin({
  name: 'prompt-length',
  setup(api) {
    api.addHook('route', (context) => {
      if (context.operation === 'chat') context.set('promptChars', JSON.stringify(context.request.messages).length);
    });
    api.addHook('log', (context) => {
      const chars: number | undefined = context.get('promptChars');
      if (chars !== undefined) seen.push(chars);
    });
  },
});

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    cwd: serverPackageDirectory,
    port: 0,
    logger: (await import('pino')).pino({ enabled: false }),
    config: { plugins: ['@tollgate/provider-echo'], auth: { masterKey }, providers: { echo: { type: 'echo' } }, models: { echo: { target: 'echo/echo-1' } } },
    plugins: [{ plugin: measuring }],
  });
});
afterAll(() => server.close());

it('lets a plugin add typed context variables by augmenting @tollgate/core, carried from hook to hook', async () => {
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'measure me' }] });
  await server.tollgate.gateway.engine.drain();
  expect(seen).toEqual([JSON.stringify([{ role: 'user', content: 'measure me' }]).length]);
});
