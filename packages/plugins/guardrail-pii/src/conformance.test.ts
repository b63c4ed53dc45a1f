import { describe, it } from 'vitest';
import { guardrailConformanceChecks } from '@tollgate/testkit';
import { guardrailPiiPlugin } from './guardrail-pii-plugin.js';

const sample = { text: 'Please write to jane.doe@example.com today.', value: 'jane.doe@example.com' };

describe('@tollgate/guardrail-pii passes the guardrail conformance checks', () => {
  describe('redacting', () => {
    for (const check of guardrailConformanceChecks({ plugin: guardrailPiiPlugin, options: { action: 'redact', streamHoldback: 64 }, sample, action: 'redact' })) it(check.name, check.run);
  });
  describe('blocking', () => {
    for (const check of guardrailConformanceChecks({ plugin: guardrailPiiPlugin, options: { action: 'block', streamHoldback: 64 }, sample, action: 'block' })) it(check.name, check.run);
  });
});
