import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitedKey, masterKey, providerKey, startTestGateway, type TestGateway } from './support/start-test-gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('request logs', () => {
  it('writes one line per request, and never a provider key, a virtual key or an authorization header', async () => {
    gateway.logs.lines.length = 0;
    const bodies: string[] = [];
    const send = async (body: object | string, headers: Record<string, string> = {}) => {
      const response = await gateway.post('/v1/chat/completions', body, headers);
      bodies.push(await response.text());
    };
    await send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a' }] });
    await send({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'b' }] });
    await send({ model: 'echo', messages: [{ role: 'user', content: 'c' }] }, { authorization: `Bearer ${limitedKey}` });
    await send({ model: 'smart', messages: [{ role: 'user', content: 'd' }] }, { authorization: `Bearer ${limitedKey}` });
    await send({ model: 'echo', messages: [{ role: 'user', content: 'e' }] }, { authorization: 'Bearer sk-a-wrong-key-that-is-long-enough' });
    await send('{broken', { authorization: `Bearer ${masterKey}` });
    gateway.mock.enqueue({ status: 401, error: { message: `Incorrect API key provided: ${providerKey}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    await send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'f' }] });
    await gateway.client.models.list();
    await gateway.server.tollgate.gateway.engine.drain();

    const lines = gateway.logs.requestLines();
    expect(lines).toHaveLength(8);
    expect(lines.map((line) => line.status)).toEqual([200, 200, 200, 403, 401, 400, 502, 200]);
    expect(lines[7]).toMatchObject({ path: '/v1/models', keyName: 'master' });
    expect(lines[2]).toMatchObject({ keyName: 'limited-agent', model: 'echo', provider: 'echo' });
    expect(lines[0]).toMatchObject({ keyName: 'master', provider: 'openai', upstreamModel: 'gpt-4o-mini', promptTokens: 1, attempts: 1 });
    // Chat completions, the default API, are not marked.
    expect(lines[0]).not.toHaveProperty('ingress');
    expect(typeof lines[0]?.durationMs).toBe('number');
    expect(lines[0]).not.toHaveProperty('request'); // bodies are off by default

    const everything = [...gateway.logs.raw, ...bodies].join('\n');
    for (const secret of [providerKey, masterKey, limitedKey, 'sk-a-wrong-key-that-is-long-enough', 'upstreamSECRET']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything.toLowerCase()).not.toContain('bearer');
  });
});

describe('log levels per module and body logging', () => {
  it('gives a plugin its own level, and logs redacted bodies only when asked', async () => {
    const { definePlugin } = await import('@tollgate/core');
    const { createMockOpenAI } = await import('@tollgate/testkit');
    const { createLogger, startServer } = await import('../src/index.js');
    const { LogCapture, serverPackageDirectory, testConfig } = await import('./support/start-test-gateway.js');
    const chatty = definePlugin({ name: 'chatty', setup: (api) => api.addHook('log', () => api.logger.debug({ from: 'chatty' }, 'a debug line')) });
    const mock = await createMockOpenAI();
    const logs = new LogCapture();
    const server = await startServer({
      config: testConfig(mock, { logging: { level: 'info', bodies: true, modules: { chatty: 'debug' } } }),
      plugins: [{ plugin: chatty }],
      cwd: serverPackageDirectory,
      port: 0,
      logger: createLogger({ level: 'info', destination: logs }),
    });
    try {
      mock.enqueue({ content: 'Here you go: sk-proj-LEAKEDleakedLEAKED0123456789 ok' });
      await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello there, my key is ${providerKey}` }] }),
      }).then((response) => response.text());
      await server.tollgate.gateway.engine.drain();
      expect(logs.lines.some((line) => line.from === 'chatty' && line.level === 20)).toBe(true);
      const line = logs.requestLines()[0]!;
      expect(line.request).toContain('hello there, my key is');
      expect(line.response).toContain('Here you go:');
      expect(logs.raw.join('\n')).not.toContain(providerKey);
      expect(logs.raw.join('\n')).not.toContain('LEAKEDleakedLEAKED0123456789');
    } finally {
      await server.close();
      await mock.close();
    }
  });
});
