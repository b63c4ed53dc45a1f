import { afterAll, beforeEach } from 'vitest';
import { createMockAnthropic, createMockOpenAI, type MockAnthropic, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../../src/index.js';
import { masterKey, startLoggedServer, type LogCapture } from './start-test-gateway.js';

/** The provider key the Claude mock checks. */
export const anthropicKey = 'sk-ant-upstream-SECRET-0123456789';

/**
 * A Claude mock (checking {@link anthropicKey}) and an OpenAI mock for a test file, started at once:
 * reset before each test, and closed after the file's own `afterAll` hooks (vitest runs those in
 * reverse), so its gateway closes first.
 */
export async function startClaudeAndGptMocks(): Promise<{ readonly claude: MockAnthropic; readonly gpt: MockOpenAI }> {
  const claude = await createMockAnthropic({ apiKey: anthropicKey });
  const gpt = await createMockOpenAI();
  beforeEach(() => {
    claude.reset();
    gpt.reset();
  });
  afterAll(async () => {
    await claude.close();
    await gpt.close();
  });
  return { claude, gpt };
}

/** What a {@link startPricedGateway} adds or changes. */
export interface PricedGatewayOptions {
  readonly databasePath: string;
  /** The SQLite ledger's flush interval. */
  readonly flushIntervalMs: number;
  /** Config keys beside the master key. */
  readonly keys?: readonly Record<string, unknown>[];
  /** More models (`name → route`) and their prices (`provider/model → { input, output }`, an image model's `imageOutput` too). */
  readonly models?: Readonly<Record<string, unknown>>;
  readonly prices?: Readonly<Record<string, { input: number; output: number; imageOutput?: number }>>;
  /** More providers (`name → config`), beside `local` and `claude`. */
  readonly providers?: Readonly<Record<string, unknown>>;
}

/**
 * A logged gateway over the two mocks with the SQLite ledger and governance (key changes seen at
 * once): `llama` on the OpenAI mock (provider `local`) and `sonnet` on Claude (provider `claude`), both
 * at $1 per million input and $2 per million output tokens, so costs come in whole micro-dollars.
 */
export function startPricedGateway(logs: LogCapture, mocks: { readonly claude: MockAnthropic; readonly gpt: MockOpenAI }, options: PricedGatewayOptions): Promise<RunningServer> {
  return startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-openai',
      '@tollgate/provider-anthropic',
      { name: '@tollgate/ledger-sqlite', options: { path: options.databasePath, flushIntervalMs: options.flushIntervalMs } },
      { name: '@tollgate/pricing', options: { overrides: { 'local/llama-3.3-70b': { input: 1, output: 2 }, 'claude/claude-sonnet-4-5': { input: 1, output: 2 }, ...options.prices } } },
      { name: '@tollgate/governance', options: { keyCacheMs: 0 } },
    ],
    auth: { masterKey, ...(options.keys === undefined ? {} : { keys: options.keys }) },
    providers: {
      local: { type: 'openai', baseURL: mocks.gpt.baseURL },
      claude: { type: 'anthropic', baseURL: mocks.claude.baseURL, apiKey: anthropicKey },
      ...options.providers,
    },
    models: { llama: { target: 'local/llama-3.3-70b' }, sonnet: { target: 'claude/claude-sonnet-4-5' }, ...options.models },
  });
}
