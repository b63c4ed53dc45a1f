import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockEntraId, createMockOpenAI, type MockEntraId, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { LogCapture, masterKey, startLoggedServer, startQuietServer } from './support/start-test-gateway.js';

const azureKey = 'azure-key-SECRET-0123456789abcdef';
const entraToken = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-SECRET';
const app = { tenantId: 'contoso-tenant', clientId: '00000000-app-0000-0000-tollgate0001', clientSecret: 'entra-client-SECRET-value~0123456789' };
// AKS projects a service account token into the pod; the app registration trusts it as a client assertion.
const federatedToken = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL29pZGMuYWtzIn0.federated-SECRET';
const federatedTokenFile = join(mkdtempSync(join(tmpdir(), 'tollgate-workload-')), 'azure-identity-token');
writeFileSync(federatedTokenFile, `${federatedToken}\n`);
const identityHeader = 'app-service-identity-header-SECRET';
// The app registration's certificate and key (a throwaway self-signed one), as Azure's SDKs take a certificate path.
const certificateFile = join(import.meta.dirname, 'fixtures/entra-test-certificate.pem');
const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(readFileSync(certificateFile, 'utf8'))![0];
// The same certificate with another key: its assertions do not verify.
const wrongKeyFile = join(mkdtempSync(join(tmpdir(), 'tollgate-certificate-')), 'wrong-key.pem');
writeFileSync(wrongKeyFile, `${generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()}${certificate}\n`);
/** A certificate without its key, written by one test. */
let certificateOnly: string | undefined;
let entra: MockEntraId;
let azureEntra: MockOpenAI;
let azure: MockOpenAI;
let openai: MockOpenAI;
let server: RunningServer;
let client: OpenAI;
const logs = new LogCapture();

beforeAll(async () => {
  azure = await createMockOpenAI({ flavor: 'azure', apiKey: azureKey });
  openai = await createMockOpenAI();
  entra = await createMockEntraId({ ...app, federatedToken, identityHeader, certificate });
  // An Azure OpenAI resource that takes Entra ID tokens only.
  azureEntra = await createMockOpenAI({ flavor: 'azure', acceptsBearer: (authorization) => entra.accepts(authorization) });
  server = await startLoggedServer(logs, {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-azure-openai'],
    auth: { masterKey },
    providers: {
      azure: { type: 'azure-openai', endpoint: azure.url, apiKey: azureKey, maxCompletionTokensDeployments: ['team-thinker'], completionsDeployments: ['team-autocomplete'] },
      'azure-v1': { type: 'azure-openai', endpoint: azure.url, entraToken: azureKey, apiVersion: 'v1' },
      'azure-wrong': { type: 'azure-openai', endpoint: azure.url, entraToken },
      openai: { type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-openai-upstream-000000' },
      'azure-entra': { type: 'azure-openai', endpoint: azureEntra.url, entra: { ...app, authorityHost: entra.url } },
      'azure-certificate': { type: 'azure-openai', endpoint: azureEntra.url, entra: { tenantId: app.tenantId, clientId: app.clientId, certificate: certificateFile, authorityHost: entra.url } },
      'azure-wrong-key': { type: 'azure-openai', endpoint: azureEntra.url, entra: { tenantId: app.tenantId, clientId: app.clientId, certificate: wrongKeyFile, authorityHost: entra.url } },
      'azure-managed-identity': { type: 'azure-openai', endpoint: azureEntra.url, entra: { managedIdentity: true, imdsEndpoint: entra.url } },
      'azure-workload-identity': { type: 'azure-openai', endpoint: azureEntra.url, entra: { workloadIdentity: true, tenantId: app.tenantId, clientId: app.clientId, federatedTokenFile, authorityHost: entra.url } },
      'azure-entra-wrong-secret': { type: 'azure-openai', endpoint: azureEntra.url, entra: { ...app, clientSecret: 'not-the-SECRET-value', authorityHost: entra.url } },
    },
    models: {
      'gpt-4o': { target: 'azure/prod-gpt4o', fallbacks: { contentPolicy: 'lenient' } },
      'gpt-4o-v1': { target: 'azure-v1/prod-gpt4o' },
      instruct: { target: 'azure/gpt-35-turbo-instruct' },
      'named-instruct': { target: 'azure/team-autocomplete' },
      'codex-v1': { target: 'azure-v1/gpt-5-codex-prod' },
      'codex-deployments': { target: 'azure/gpt-5-codex-prod' },
      broken: { target: 'azure-wrong/prod-gpt4o' },
      embed: { target: 'azure/prod-embedding' },
      reasoner: { target: 'azure/o4-mini-prod' },
      'named-reasoner': { target: 'azure/team-thinker' },
      lenient: { target: 'openai/gpt-4o' },
      'gpt-4o-entra': { target: 'azure-entra/prod-gpt4o' },
      'gpt-4o-certificate': { target: 'azure-certificate/prod-gpt4o' },
      'gpt-4o-wrong-key': { target: 'azure-wrong-key/prod-gpt4o' },
      'gpt-4o-managed-identity': { target: 'azure-managed-identity/prod-gpt4o' },
      'gpt-4o-workload-identity': { target: 'azure-workload-identity/prod-gpt4o' },
      'gpt-4o-entra-wrong-secret': { target: 'azure-entra-wrong-secret/prod-gpt4o' },
    },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await azure.close();
  await openai.close();
  await azureEntra.close();
  await entra.close();
  for (const file of [federatedTokenFile, wrongKeyFile, certificateOnly]) if (file !== undefined) rmSync(dirname(file), { recursive: true, force: true });
});

beforeEach(() => {
  azure.reset();
  openai.reset();
});

describe('Azure OpenAI', () => {
  it('calls the deployment with api-version and api-key', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello azure' }] });
    expect(completion.choices[0]?.message.content).toBe('Mock answer to: hello azure');
    const upstream = azure.requests[0]!;
    expect(upstream.path).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(upstream.headers['api-key']).toBe(azureKey);
    expect(upstream.headers.authorization).toBeUndefined();
  });

  it('sends a legacy completions client to an instruct deployment\'s /completions as its bytes, and to a chat deployment as a chat request', async () => {
    const body = { model: 'instruct', prompt: 'def add(a, b):', suffix: '\n', max_tokens: 8 };
    const completion = await client.completions.create(body);
    expect(azure.requests[0]!.path).toBe('/openai/deployments/gpt-35-turbo-instruct/completions?api-version=2024-10-21');
    expect(azure.requests[0]!.body).toEqual({ ...body, model: 'gpt-35-turbo-instruct' });
    expect(completion.object).toBe('text_completion');
    await client.completions.create({ model: 'named-instruct', prompt: 'x', max_tokens: 4 });
    expect(azure.requests[1]!.path).toBe('/openai/deployments/team-autocomplete/completions?api-version=2024-10-21');
    const translated = await client.completions.create({ model: 'gpt-4o', prompt: 'Say hi', max_tokens: 4 });
    expect(azure.requests[2]!.path).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(azure.requests[2]!.body).toMatchObject({ messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 4 });
    expect(translated.object).toBe('text_completion');
  });

  it('uses the version-less v1 API and an Entra bearer token when configured', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-v1', messages: [{ role: 'user', content: 'x' }] });
    expect(azure.requests[0]?.path).toBe('/openai/v1/chat/completions');
    expect(azure.requests[0]?.headers.authorization).toBe(`Bearer ${azureKey}`);
    expect(azure.requests[0]?.body.model).toBe('prod-gpt4o');
  });

  it('on the v1 API, passes Responses clients through to /openai/v1/responses and reaches Responses-only deployments from chat clients', async () => {
    azure.enqueue({ stream: { content: ['Hi ', 'there.'] } });
    const streamed = await client.responses.stream({ model: 'gpt-4o-v1', input: 'Hello', store: false }).finalResponse();
    expect(azure.requests[0]?.path).toBe('/openai/v1/responses');
    expect(azure.requests[0]?.headers.authorization).toBe(`Bearer ${azureKey}`);
    // The client's request, only its model now the deployment.
    expect(azure.requests[0]?.body).toEqual({ model: 'prod-gpt4o', input: 'Hello', store: false, stream: true });
    expect(streamed.output_text).toBe('Hi there.');

    azure.enqueue({ content: 'Patched.' });
    const completion = await client.chat.completions.create({ model: 'codex-v1', messages: [{ role: 'user', content: 'Fix it' }] });
    expect(azure.requests[1]?.path).toBe('/openai/v1/responses');
    expect(azure.requests[1]?.body).toMatchObject({ model: 'gpt-5-codex-prod', input: [{ type: 'message', role: 'user', content: 'Fix it' }], store: false });
    expect(completion.choices[0]!.message.content).toBe('Patched.');

    // The deployments API has no Responses endpoint here: Azure's own refusal comes back.
    const refused = await client.chat.completions.create({ model: 'codex-deployments', messages: [{ role: 'user', content: 'Fix it' }] }).catch((error: unknown) => error);
    expect(azure.requests[2]?.path).toMatch(/^\/openai\/deployments\/gpt-5-codex-prod\/chat\/completions/);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('only supported in v1/responses') });
  });

  it('streams without Azure’s leading prompt_filter_results chunk, usage tapped', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'stream from azure' }] }) });
    const text = await response.text();
    expect(text).not.toContain('prompt_filter_results');
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((event) => event === 'data: [DONE]' || JSON.parse(event.slice(6)).choices.length > 0)).toBe(true);
    await server.tollgate.gateway.engine.drain();
    expect(logs.requestLines().at(-1)).toMatchObject({ provider: 'azure', completionTokens: 6, status: 200 });
  });

  it('falls back to the content-policy model on a content_filter refusal', async () => {
    azure.enqueue({ status: 400, error: { message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", type: 'invalid_request_error', code: 'content_filter', param: 'prompt' } });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(response.headers.get('x-tollgate-provider')).toBe('openai');
    expect(openai.requests).toHaveLength(1);
  });

  it('serves embeddings from a deployment', async () => {
    const result = await client.embeddings.create({ model: 'embed', input: 'vector me', encoding_format: 'float' });
    expect(result.data[0]?.embedding).toHaveLength(8);
    expect(azure.requests[0]?.path).toBe('/openai/deployments/prod-embedding/embeddings?api-version=2024-10-21');
  });

  it('answers 502 naming the provider when Azure refuses its credentials, never showing them', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'broken', messages: [{ role: 'user', content: 'x' }] }) });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain('Provider \\"azure-wrong\\" answered 401');
    expect(text).not.toContain('SECRET');
    await server.tollgate.gateway.engine.drain();
    expect(logs.raw.join('\n')).not.toContain('SECRET');
  });

  it('send max_tokens to reasoning deployments as max_completion_tokens (by name, or listed), to others as sent', async () => {
    azure.reset();
    for (const model of ['reasoner', 'named-reasoner', 'gpt-4o']) await client.chat.completions.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'x' }] });
    const bodies = azure.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies.map((body) => [body.max_completion_tokens, body.max_tokens])).toEqual([[64, undefined], [64, undefined], [undefined, 64]]);
  });
});

describe('Microsoft Entra ID tokens the gateway fetches (entra)', () => {
  it("signs in with a service principal's client secret: one token for concurrent requests, sent as the bearer, never the secret", async () => {
    const before = entra.tokensIssued;
    const answers = await Promise.all(['one', 'two', 'three'].map((word) => client.chat.completions.create({ model: 'gpt-4o-entra', messages: [{ role: 'user', content: word }] })));
    expect(answers.map((answer) => answer.choices[0]!.message.content)).toEqual(['Mock answer to: one', 'Mock answer to: two', 'Mock answer to: three']);
    expect(entra.tokensIssued).toBe(before + 1);
    const tokenRequest = entra.requests.find((request) => request.method === 'POST')!;
    expect(tokenRequest.path).toBe(`/${app.tenantId}/oauth2/v2.0/token`);
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.bodyText))).toEqual({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope: 'https://cognitiveservices.azure.com/.default' });
    const calls = azureEntra.requests.slice(-3);
    expect(new Set(calls.map((call) => call.headers.authorization)).size).toBe(1);
    expect(calls[0]!.headers.authorization).toMatch(/^Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9\.mock-entra-/);
    expect(calls[0]!.headers['api-key']).toBeUndefined();
  });

  it("signs in with the app's certificate: an assertion signed PS256 for the token endpoint, no secret; a wrong key is Entra's refusal", async () => {
    const answer = await client.chat.completions.create({ model: 'gpt-4o-certificate', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBe('Mock answer to: hi');
    const tokenRequest = entra.requests.filter((request) => request.method === 'POST').find((request) => request.bodyText.includes('client_assertion='))!;
    const form = Object.fromEntries(new URLSearchParams(tokenRequest.bodyText));
    expect(form).toMatchObject({ grant_type: 'client_credentials', client_id: app.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', scope: 'https://cognitiveservices.azure.com/.default' });
    expect(form.client_secret).toBeUndefined();
    const [header, claims] = form.client_assertion!.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'PS256', typ: 'JWT', 'x5t#S256': expect.any(String) });
    expect(claims).toMatchObject({ aud: `${entra.url}/${app.tenantId}/oauth2/v2.0/token`, iss: app.clientId, sub: app.clientId, jti: expect.any(String) });
    expect(Number(claims!.exp) - Number(claims!.nbf)).toBe(600);

    const refused = await client.chat.completions.create({ model: 'gpt-4o-wrong-key', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('AADSTS7000274: Key was found, but use of the key to verify the signature failed.');
    expect(JSON.stringify(logs.lines)).not.toContain('PRIVATE KEY');
  });

  it('refuses at startup a certificate file that is missing or holds no key, naming the option', async () => {
    const config = (file: string) => ({ plugins: ['@tollgate/provider-azure-openai'], auth: { masterKey }, providers: { az: { type: 'azure-openai', endpoint: azureEntra.url, entra: { tenantId: app.tenantId, clientId: app.clientId, certificate: file } } }, models: { m: { target: 'az/prod-gpt4o' } } });
    await expect(startQuietServer(config(join(tmpdir(), 'no-such-certificate.pem')))).rejects.toThrow(/providers\.az\.entra\.certificate: cannot read the certificate file/);
    certificateOnly = join(mkdtempSync(join(tmpdir(), 'tollgate-certificate-')), 'certificate-only.pem');
    writeFileSync(certificateOnly, certificate);
    await expect(startQuietServer(config(certificateOnly))).rejects.toThrow(/must hold the app's private key and its certificate/);
  });

  it("signs in with the managed identity through the instance metadata service", async () => {
    const answer = await client.chat.completions.create({ model: 'gpt-4o-managed-identity', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBe('Mock answer to: hi');
    const metadata = entra.requests.find((request) => request.method === 'GET')!;
    expect(metadata.path).toBe('/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fcognitiveservices.azure.com%2F');
    expect(metadata.headers.metadata).toBe('true');
  });

  it("signs in with AKS workload identity: the pod's federated token as the client assertion, no secret", async () => {
    const answer = await client.chat.completions.create({ model: 'gpt-4o-workload-identity', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBe('Mock answer to: hi');
    const tokenRequest = entra.requests.filter((request) => request.method === 'POST').find((request) => request.bodyText.includes(federatedToken))!;
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.bodyText))).toEqual({ grant_type: 'client_credentials', client_id: app.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: federatedToken, scope: 'https://cognitiveservices.azure.com/.default' });
  });

  it("signs in with App Service's or Container Apps' managed identity where IDENTITY_ENDPOINT and IDENTITY_HEADER are set", async () => {
    const saved = { ...process.env };
    process.env.IDENTITY_ENDPOINT = `${entra.url}/msi/token`;
    process.env.IDENTITY_HEADER = identityHeader;
    const appService = await startQuietServer({
      plugins: ['@tollgate/provider-azure-openai'],
      auth: { masterKey },
      providers: { azure: { type: 'azure-openai', endpoint: azureEntra.url, entra: { managedIdentity: true } } },
      models: { 'gpt-4o': { target: 'azure/prod-gpt4o' } },
    });
    process.env = saved;
    try {
      const answer = await new OpenAI({ baseURL: `${appService.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]!.message.content).toBe('Mock answer to: hi');
      const identityRequest = entra.requests.find((request) => request.path.startsWith('/msi/token'))!;
      expect(identityRequest.path).toBe('/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fcognitiveservices.azure.com%2F');
      expect(identityRequest.headers['x-identity-header']).toBe(identityHeader);
      // The endpoint says when its token expires (`expires_on`), not how long it lives: it is kept until then.
      await new OpenAI({ baseURL: `${appService.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(entra.requests.filter((request) => request.path.startsWith('/msi/token'))).toHaveLength(1);
    } finally {
      await appService.close();
    }
  });

  it('never passes on a token an upstream error echoes', async () => {
    const echoed = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzIn0.c2lnbmF0dXJlLW1vY2s';
    azureEntra.enqueue({ status: 400, error: { message: `The token ${echoed} is not valid for this resource.`, type: 'invalid_request_error' } });
    const refused = await client.chat.completions.create({ model: 'gpt-4o-entra', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('The token [redacted] is not valid for this resource.');
    expect(JSON.stringify((refused as InstanceType<typeof OpenAI.APIError>).error) + logs.raw.join('\n')).not.toContain('eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzIn0');
  });

  it("answers 502 naming the app and Entra's reason when the secret is refused, with the secret nowhere", async () => {
    const refused = await client.chat.completions.create({ model: 'gpt-4o-entra-wrong-secret', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain(`could not get a Microsoft Entra ID token with client ${app.clientId} of tenant ${app.tenantId}: invalid_client: AADSTS7000215: Invalid client secret provided.`);
    const everything = JSON.stringify((refused as InstanceType<typeof OpenAI.APIError>).error) + logs.raw.join('\n');
    expect(everything).not.toContain('SECRET-value');
    expect(everything).not.toContain('mock-entra-');
  });
});
