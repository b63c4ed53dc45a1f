import { describe, it } from 'vitest';
import { createMockOpenAI, openAIConformanceUpstream, providerConformanceChecks } from '@tollgate/testkit';
import { azureOpenAIPlugin } from './azure-openai-plugin.js';

const secret = 'azure-conformance-key-0123456789';

describe('@tollgate/provider-azure-openai passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: azureOpenAIPlugin,
    type: 'azure-openai',
    startUpstream: async () => {
      const mock = await createMockOpenAI({ flavor: 'azure' });
      return openAIConformanceUpstream(mock, { providerOptions: { endpoint: mock.url, apiKey: secret }, model: 'my-deployment', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
