import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../../src/index.js';
import { ledgerRowOf } from './ledger-row.js';
import { LogCapture, masterKey, startLoggedServer, temporaryDatabasePath } from './start-test-gateway.js';

/** What an endpoint suite asks of its gateway beyond the common setup. */
export interface OpenAIEndpointSuiteOptions {
  /** The config's `models`. */
  readonly models: Record<string, unknown>;
  /** `@tollgate/pricing`'s `overrides` (the price table alone when left out). */
  readonly priceOverrides?: Record<string, unknown>;
  /** Options of the `azure` provider instance over its endpoint and key (its `priceProvider`). */
  readonly azure?: Record<string, unknown>;
  /** Loads `@tollgate/cache-memory` (its default mode) after the guardrail. */
  readonly cache?: boolean;
}

/** The upstreams, logs and gateway of an endpoint suite; `server` and `client` once its `beforeAll` ran. */
export interface OpenAIEndpointSuite {
  /** OpenAI's own API (`sk-openai-upstream-000000`), its prices the table's. */
  readonly openaiApi: MockOpenAI;
  /** An Azure OpenAI resource (`azure-upstream-key-0000000`), the `azure` provider. */
  readonly azure: MockOpenAI;
  /** A vLLM server serving chat only, the `gpu-box` provider. */
  readonly vllm: MockOpenAI;
  readonly logs: LogCapture;
  readonly server: RunningServer;
  /** The `openai` SDK on the gateway's `/v1`, with the master key, no retries. */
  readonly client: OpenAI;
  /** A request's ledger row, its `columns` only, once written. */
  ledgerRow(requestId: string | null, columns: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * The gateway the suites of OpenAI's endpoints (images, edits, moderations, audio) drive: OpenAI's own
 * API, an Azure OpenAI resource and a vLLM server mocked on 127.0.0.1; the OpenAI and Azure OpenAI
 * providers, the SQLite ledger, the price table, governance and the PII guardrail (redacting), key auth
 * by the master key. Registers the suite's hooks: start before all, close after all, the mocks reset
 * before each test.
 */
export async function openAIEndpointSuite(name: string, options: OpenAIEndpointSuiteOptions): Promise<OpenAIEndpointSuite> {
  const openaiApi = await createMockOpenAI({ apiKey: 'sk-openai-upstream-000000' });
  const azure = await createMockOpenAI({ flavor: 'azure', apiKey: 'azure-upstream-key-0000000' });
  const vllm = await createMockOpenAI();
  const logs = new LogCapture();
  const databasePath = await temporaryDatabasePath(name);
  let server: RunningServer | undefined;
  let client: OpenAI | undefined;

  beforeAll(async () => {
    server = await startLoggedServer(logs, {
      plugins: [
        '@tollgate/provider-openai',
        '@tollgate/provider-azure-openai',
        { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 10 } },
        { name: '@tollgate/pricing', options: { overrides: options.priceOverrides ?? {} } },
        '@tollgate/governance',
        ...(options.cache === true ? ['@tollgate/cache-memory'] : []),
        { name: '@tollgate/guardrail-pii', options: { action: 'redact' } },
      ],
      auth: { masterKey },
      providers: {
        openai: { type: 'openai', baseURL: openaiApi.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' },
        azure: { type: 'azure-openai', endpoint: azure.url, apiKey: 'azure-upstream-key-0000000', ...options.azure },
        'gpu-box': { type: 'openai', baseURL: vllm.baseURL },
      },
      models: options.models,
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await Promise.all([openaiApi.close(), azure.close(), vllm.close()]);
  });

  beforeEach(() => {
    openaiApi.reset();
    azure.reset();
    vllm.reset();
  });

  return {
    openaiApi,
    azure,
    vllm,
    logs,
    get server() {
      return server!;
    },
    get client() {
      return client!;
    },
    ledgerRow: (requestId, columns) => ledgerRowOf(server!, databasePath, requestId, columns),
  };
}
