import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTollgate, type RunningServer, type Tollgate } from '../src/index.js';
import { listenLocally, masterKey, serverPackageDirectory, startQuietServer } from './support/start-test-gateway.js';

const app = 'https://app.example.com';
const config = (cors?: unknown) => ({
  plugins: ['@tollgate/provider-echo'],
  auth: { masterKey },
  providers: { echo: { type: 'echo' } },
  models: { echo: { target: 'echo/echo-1' } },
  ...(cors === undefined ? {} : { server: { cors } }),
});
const chat = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'from a page' }] });
/** What a browser sends before a cross-origin POST with the SDK's headers. */
const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
});

let listed: RunningServer;
let open: RunningServer;
let closed: RunningServer;
beforeAll(async () => {
  [listed, open, closed] = await Promise.all([startQuietServer(config({ origins: [app], maxAgeSeconds: 120 })), startQuietServer(config({ origins: ['*'] })), startQuietServer(config())]);
});
afterAll(() => Promise.all([listed.close(), open.close(), closed.close()]));

describe('server.cors: browsers on other origins', () => {
  it('answers a preflight from a listed origin with the route’s methods and the headers asked for', async () => {
    const response = await fetch(`${listed.url}/v1/chat/completions`, preflight(app));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(app);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(response.headers.get('access-control-max-age')).toBe('120');
    expect(response.headers.get('vary')).toContain('origin');
  });

  it('marks the answer to a listed origin and exposes the gateway’s headers; errors too', async () => {
    const response = await fetch(`${listed.url}/v1/chat/completions`, { method: 'POST', headers: { origin: app, authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: chat });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(app);
    expect(response.headers.get('access-control-expose-headers')).toBe('*');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('Echo: from a page');
    const refused = await fetch(`${listed.url}/v1/models`, { headers: { origin: app } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(app);
  });

  it('refuses a preflight from an origin not listed, naming the setting, and leaves its answers unmarked', async () => {
    const response = await fetch(`${listed.url}/v1/chat/completions`, preflight('https://evil.example.net'));
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('origin_not_allowed');
    expect(body.error.message).toContain('server.cors.origins');
    const answer = await fetch(`${listed.url}/v1/models`, { headers: { origin: 'https://evil.example.net', authorization: `Bearer ${masterKey}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants any origin with "*", on prefix routes too', async () => {
    const response = await fetch(`${open.url}/v1/models/echo`, { ...preflight('http://localhost:5173'), headers: { ...preflight('http://localhost:5173').headers, 'access-control-request-method': 'GET' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET');
    const answer = await fetch(`${open.url}/v1/models/echo`, { headers: { origin: 'http://localhost:5173', authorization: `Bearer ${masterKey}` } });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is off without the setting: a preflight is a 405, answers carry no CORS header', async () => {
    const response = await fetch(`${closed.url}/v1/chat/completions`, preflight(app));
    expect(response.status).toBe(405);
    const answer = await fetch(`${closed.url}/v1/models`, { headers: { origin: app, authorization: `Bearer ${masterKey}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an origin with a path in the config, with a clear message', async () => {
    await expect(startQuietServer(config({ origins: ['https://app.example.com/'] }))).rejects.toThrow(/server\.cors\.origins.*must be an origin/s);
  });
});

describe('server.cors on the router mounted in an Express app', () => {
  let host: Awaited<ReturnType<typeof listenLocally>>;
  let tollgate: Tollgate;
  let origin: string;
  beforeAll(async () => {
    tollgate = await createTollgate({ config: config({ origins: [app] }), cwd: serverPackageDirectory, logger: (await import('pino')).pino({ enabled: false }) });
    const hostApp = express();
    hostApp.use('/llm', tollgate.router);
    host = await listenLocally(hostApp);
    origin = host.origin;
  });
  afterAll(async () => {
    await tollgate.close();
    await host.close();
  });

  it('answers preflights and marks answers under the mount path', async () => {
    const response = await fetch(`${origin}/llm/v1/chat/completions`, preflight(app));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(app);
    const answer = await fetch(`${origin}/llm/v1/chat/completions`, { method: 'POST', headers: { origin: app, authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: chat });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(app);
  });
});
