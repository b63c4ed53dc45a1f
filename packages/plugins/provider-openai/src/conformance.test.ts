import { describe, it } from 'vitest';
import { createMockOpenAI, openAIConformanceUpstream, providerConformanceChecks } from '@tollgate/testkit';
import { openAIPlugin } from './openai-plugin.js';

const secret = 'sk-conformance-upstream-0123456789';

describe('@tollgate/provider-openai passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: openAIPlugin,
    type: 'openai',
    startUpstream: async () => {
      const mock = await createMockOpenAI();
      return openAIConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: 'gpt-4o-mini', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
