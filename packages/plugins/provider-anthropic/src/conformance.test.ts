import { describe, it } from 'vitest';
import { anthropicConformanceUpstream, createMockAnthropic, providerConformanceChecks } from '@tollgate/testkit';
import { anthropicPlugin } from './anthropic-plugin.js';

const secret = 'sk-ant-conformance-upstream-0123456789';

describe('@tollgate/provider-anthropic passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: anthropicPlugin,
    type: 'anthropic',
    startUpstream: async () => {
      const mock = await createMockAnthropic();
      return anthropicConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: 'claude-sonnet-4-5', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
