import { describe, it } from 'vitest';
import { bedrockConformanceUpstream, createMockBedrock, providerConformanceChecks } from '@tollgate/testkit';
import { bedrockPlugin } from './bedrock-plugin.js';

const credentials = { accessKeyId: 'AKIDCONFORMANCE0001', secretAccessKey: 'conformance/Secret+Access+Key/0123456789' };

describe('@tollgate/provider-bedrock passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: bedrockPlugin,
    type: 'bedrock',
    startUpstream: async () => {
      const mock = await createMockBedrock({ region: 'eu-west-1', credentials });
      return bedrockConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, region: 'eu-west-1', credentials }, model: 'anthropic.claude-3-5-haiku-20241022-v1:0', secret: credentials.secretAccessKey });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
