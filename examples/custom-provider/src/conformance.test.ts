import { describe, it } from 'vitest';
import { createMockOpenAI, openAIConformanceUpstream, providerConformanceChecks } from '@tollgate/testkit';
import { acmePlugin } from './acme-plugin.js';

const secret = 'sk-acme-test-key-0123456789';

// The checks every Tollgate provider passes, against a mock of the upstream. Replace the mock with
// one of your upstream's wire if it is not OpenAI-compatible (see ConformanceUpstream).
describe('tollgate-provider-acme passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: acmePlugin,
    type: 'acme',
    startUpstream: async () => {
      const mock = await createMockOpenAI();
      return openAIConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: 'acme-large', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
