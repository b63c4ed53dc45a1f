import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import { createLogger, startServer, type RunningServer } from '../../src/index.js';

export const masterKey = 'sk-tollgate-test-master-0123456789';

/** AWS credentials a Bedrock mock checks its requests' SigV4 signatures with (fake; no session token). */
export const testAwsCredentials = { accessKeyId: 'AKIDTOLLGATETEST0001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY-SECRET' };
export const limitedKey = 'tg-limited-key-abcdefghijklmnop';
export const providerKey = 'sk-proj-upstreamSECRET0123456789';

/** The server package's folder: plugins resolve from here (its devDependencies). */
export const serverPackageDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Log lines captured from the gateway's pino logger. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    callback();
  }
  requestLines(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === 'request');
  }
  /** The request log line of `requestId`, once the request has ended (waits up to a second for it). */
  async requestLine(requestId: string | null): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const line = this.requestLines().find((candidate) => candidate.requestId === requestId);
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no log line for ${requestId}`);
  }
}

export interface TestGateway {
  readonly mock: MockOpenAI;
  readonly server: RunningServer;
  readonly client: OpenAI;
  readonly baseURL: string;
  readonly logs: LogCapture;
  /** fetch against the gateway with the master key unless headers say otherwise. */
  post(path: string, body: string | Uint8Array | object, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** The standard test config: the OpenAI provider on the mock, the echo provider, a few model routes. */
export function testConfig(mock: MockOpenAI, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-echo'],
    auth: { masterKey, keys: [{ key: limitedKey, name: 'limited-agent', models: ['echo', 'gpt-4o-mini'] }] },
    providers: {
      openai: { type: 'openai', baseURL: mock.baseURL, apiKey: providerKey, timeouts: { firstByteMs: 5_000, idleMs: 5_000 } },
      echo: { type: 'echo' },
    },
    models: {
      'gpt-4o-mini': { target: 'openai/gpt-4o-mini' },
      smart: { target: 'openai/gpt-4o' },
      'text-embedding-3-small': { target: 'openai/text-embedding-3-small' },
      echo: { target: 'echo/echo-1' },
      'bench-*': { target: 'openai/bench-*' },
    },
    ...overrides,
  };
}

/** Starts a mock upstream and a real Tollgate server (port 0, 127.0.0.1) in front of it. */
export async function startTestGateway(configure: (mock: MockOpenAI) => Record<string, unknown> = (mock) => testConfig(mock)): Promise<TestGateway> {
  const mock = await createMockOpenAI();
  const logs = new LogCapture();
  const server = await startServer({ config: configure(mock), cwd: serverPackageDirectory, port: 0, host: '127.0.0.1', logger: createLogger({ level: 'info', destination: logs }) });
  const baseURL = `${server.url}/v1`;
  const client = new OpenAI({ baseURL, apiKey: masterKey, maxRetries: 0, timeout: 10_000 });
  return {
    mock,
    server,
    client,
    baseURL,
    logs,
    post: (path, body, headers = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    async close() {
      await server.close();
      await mock.close();
    },
  };
}

/** A gateway from a config object on a free port, its log lines captured in `logs`; plugins resolve from the server package. */
export function startLoggedServer(logs: LogCapture, config: Record<string, unknown>): Promise<RunningServer> {
  return startServer({ cwd: serverPackageDirectory, port: 0, logger: createLogger({ destination: logs }), config });
}

/** A gateway from a config object, logging nothing, on a free port; plugins resolve from the server package. */
export async function startQuietServer(config: Record<string, unknown>): Promise<RunningServer> {
  return startServer({ cwd: serverPackageDirectory, port: 0, logger: (await import('pino')).pino({ enabled: false }), config });
}

/** A fresh SQLite file path in a new temporary folder. */
export async function temporaryDatabasePath(prefix: string): Promise<string> {
  const folder = await mkdtemp(resolve(tmpdir(), `${prefix}-`));
  temporaryFolders.push(folder);
  return resolve(folder, 'tollgate.sqlite');
}

/** The folders {@link temporaryDatabasePath} made in this test file. */
const temporaryFolders: string[] = [];

// Registered as the file imports this module, so it runs after the file's own `afterAll` hooks
// (vitest runs them in reverse), once its gateways have closed their databases.
afterAll(async () => {
  for (const folder of temporaryFolders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A quiet gateway in front of a fresh OpenAI mock, with the SQLite ledger (flushing every 20 ms) and `plugins` after it. */
export interface LedgeredGateway {
  readonly mock: MockOpenAI;
  readonly server: RunningServer;
  readonly databasePath: string;
}

/**
 * Starts a {@link LedgeredGateway}: `gpt-4o-mini` routed to the mock (override `models` in `config`),
 * `config` merged over the rest (`auth` at least); a function of the mock when it needs its URL.
 */
export async function startLedgeredGateway(prefix: string, plugins: unknown[], config: Record<string, unknown> | ((mock: MockOpenAI) => Record<string, unknown>)): Promise<LedgeredGateway> {
  const mock = await createMockOpenAI();
  const databasePath = await temporaryDatabasePath(prefix);
  const server = await startQuietServer({
    plugins: ['@tollgate/provider-openai', { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 20 } }, ...plugins],
    providers: { openai: { type: 'openai', baseURL: mock.baseURL, apiKey: 'sk-upstream-000000000000' } },
    models: { 'gpt-4o-mini': { target: 'openai/gpt-4o-mini' } },
    ...(typeof config === 'function' ? config(mock) : config),
  });
  return { mock, server, databasePath };
}

/** A `tollgate start` process of a test, once it listens. */
export interface CliInstance {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * Starts `tollgate start --port 0 …args` (the built CLI) in `cwd` and resolves once it listens;
 * rejects with its output if it exits first. The caller ends it (by its `child`).
 */
export function startCliInstance(cwd: string, args: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<CliInstance> {
  const cli = resolve(serverPackageDirectory, 'dist/cli.js');
  return new Promise((listening, reject) => {
    const child = spawn(process.execPath, [cli, 'start', '--port', '0', ...args], { cwd, ...(env === undefined ? {} : { env }) });
    let output = '';
    const onData = (data: Buffer) => {
      output += data;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) listening({ child, url: match[1]!, output: () => output });
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', (data: Buffer) => (output += data));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

/** An HTTP server (a host Express app, say) on a free port of 127.0.0.1: its origin, and how to close it. */
export async function listenLocally(listener: RequestListener): Promise<{ readonly origin: string; close(): Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
