import { createMockAnthropic, createMockOpenAI, type MockAnthropic, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../../src/index.js';
import { LogCapture, masterKey, startLoggedServer } from './start-test-gateway.js';

const anthropicKey = 'sk-ant-agents-000000000001';

/** Codex's upstream (OpenAI, serving its Responses API) and Claude Code's (Anthropic), as mocks. */
export interface AgentUpstreams {
  readonly openai: MockOpenAI;
  readonly claude: MockAnthropic;
}

/** Starts the two mock upstreams. */
export async function startAgentUpstreams(): Promise<AgentUpstreams> {
  return { openai: await createMockOpenAI(), claude: await createMockAnthropic({ apiKey: anthropicKey }) };
}

/**
 * A gateway (master key {@link masterKey}) in front of the agents' upstreams with `plugins` after the
 * two providers: `gpt-5-codex` routed to OpenAI, `sonnet` to Claude, and any other `models`.
 */
export function startAgentsGateway(upstreams: AgentUpstreams, plugins: readonly unknown[], models: Readonly<Record<string, unknown>> = {}): Promise<RunningServer> {
  return startLoggedServer(new LogCapture(), {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-anthropic', ...plugins],
    auth: { masterKey },
    providers: {
      openai: { type: 'openai', baseURL: upstreams.openai.baseURL, apiKey: 'sk-openai-agents-0000000001', responsesAPI: true },
      claude: { type: 'anthropic', baseURL: upstreams.claude.baseURL, apiKey: anthropicKey },
    },
    models: { 'gpt-5-codex': { target: 'openai/gpt-5-codex' }, sonnet: { target: 'claude/claude-sonnet-4-5' }, ...models },
  });
}

/** The agents' upstreams and a gateway in front of them with `plugins`; `close` stops all three. */
export async function startAgentsBehind(plugins: readonly unknown[], models?: Readonly<Record<string, unknown>>) {
  const upstreams = await startAgentUpstreams();
  const gateway = await startAgentsGateway(upstreams, plugins, models);
  const close = async () => {
    await gateway.close();
    await upstreams.openai.close();
    await upstreams.claude.close();
  };
  return { ...upstreams, gateway, close };
}
