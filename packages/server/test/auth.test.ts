import OpenAI from 'openai';
import type { ErrorBody } from './support/error-body.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTollgate } from '../src/index.js';
import { limitedKey, masterKey, serverPackageDirectory, startTestGateway, type TestGateway } from './support/start-test-gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

const ask = (client: OpenAI, model = 'echo') => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('auth', () => {
  it('401 in the OpenAI shape without a key, and with a wrong one', async () => {
    const missing = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }) });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as ErrorBody).error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
    const wrong = await ask(new OpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-not-a-real-key-000000', maxRetries: 0 })).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    expect(String(wrong)).not.toContain('sk-not-a-real-key');
  });

  it('answers 401 before looking at the body, so an unauthenticated caller learns nothing about it', async () => {
    const response = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": 42}' });
    expect(response.status).toBe(401);
    await gateway.server.tollgate.gateway.engine.drain();
    expect(gateway.logs.requestLines().at(-1)).toMatchObject({ status: 401, errorCode: 'TOLLGATE_MISSING_API_KEY' });
  });

  it('accepts the master key and config keys, as a bearer token or in x-api-key', async () => {
    expect((await ask(gateway.client)).choices[0]?.message.content).toBe('Echo: hi');
    expect((await ask(new OpenAI({ baseURL: gateway.baseURL, apiKey: limitedKey, maxRetries: 0 }))).choices[0]?.message.content).toBe('Echo: hi');
    const viaHeader = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': masterKey },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(viaHeader.status).toBe(200);
  });

  it("403 for a model outside a key's allowed list, and lists only its models", async () => {
    const limited = new OpenAI({ baseURL: gateway.baseURL, apiKey: limitedKey, maxRetries: 0 });
    const error = await ask(limited, 'smart').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('Key "limited-agent" may not call model "smart"');
    expect((await limited.models.list()).data.map((model) => model.id).sort()).toEqual(['echo', 'gpt-4o-mini']);
    expect(gateway.mock.requests).toHaveLength(0);
  });

  it('requires a key for /v1/models but not for health checks', async () => {
    expect((await fetch(`${gateway.baseURL}/models`)).status).toBe(401);
    expect(await (await fetch(`${gateway.server.url}/health/live`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${gateway.server.url}/health/ready`)).json()).toEqual({ status: 'ready' });
    // Load balancers probing with HEAD get the GET answer's status and headers, no body.
    const head = await fetch(`${gateway.server.url}/health/ready`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
    expect((await fetch(`${gateway.baseURL}/models`, { method: 'HEAD' })).status).toBe(401);
    expect((await fetch(`${gateway.baseURL}/chat/completions`, { method: 'HEAD' })).status).toBe(405);
  });

  it('takes the master key from TOLLGATE_MASTER_KEY, and generates one only when no key exists', async () => {
    const fromEnv = await createTollgate({ config: { plugins: ['@tollgate/provider-echo'] }, cwd: serverPackageDirectory, env: { TOLLGATE_MASTER_KEY: 'sk-from-the-environment-0001' } });
    expect(fromEnv.generatedMasterKey).toBeUndefined();
    expect(fromEnv.config.auth.masterKey).toBe('sk-from-the-environment-0001');
    await fromEnv.close();
    const generated = await createTollgate({ config: {}, cwd: serverPackageDirectory, env: {} });
    expect(generated.generatedMasterKey).toMatch(/^sk-tollgate-dev-[\w-]{24}$/);
    await generated.close();
    const withKeys = await createTollgate({ config: { auth: { keys: [{ key: 'tg-only-a-config-key-123', name: 'ci' }] } }, cwd: serverPackageDirectory, env: {} });
    expect(withKeys.generatedMasterKey).toBeUndefined();
    expect(withKeys.config.auth.masterKey).toBeUndefined();
    await withKeys.close();
  });
});
