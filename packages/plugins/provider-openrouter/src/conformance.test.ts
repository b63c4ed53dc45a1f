import { describe, it } from 'vitest';
import { createMockOpenAI, openAIConformanceUpstream, providerConformanceChecks } from '@tollgate/testkit';
import { openRouterPlugin } from './openrouter-plugin.js';

const secret = 'sk-or-v1-conformance-0123456789';

describe('@tollgate/provider-openrouter passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: openRouterPlugin,
    type: 'openrouter',
    startUpstream: async () => {
      const mock = await createMockOpenAI({ flavor: 'openrouter' });
      return openAIConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: 'openai/gpt-4o', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
