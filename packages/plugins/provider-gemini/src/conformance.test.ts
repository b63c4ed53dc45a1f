import { describe, it } from 'vitest';
import { createMockGemini, geminiConformanceUpstream, providerConformanceChecks } from '@tollgate/testkit';
import { geminiPlugin } from './gemini-plugin.js';

const secret = 'AIzaSy-conformance-upstream-0123456789';

describe('@tollgate/provider-gemini passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: geminiPlugin,
    type: 'gemini',
    startUpstream: async () => {
      const mock = await createMockGemini();
      return geminiConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: 'gemini-2.5-flash', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
