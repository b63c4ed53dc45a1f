import { describe, it } from 'vitest';
import { guardrailConformanceChecks } from '@tollgate/testkit';
import { guardrailKeywordsPlugin } from './guardrail-keywords-plugin.js';

const sample = { text: 'What is the status of Project Falcon this week?', value: 'Project Falcon' };

describe('@tollgate/guardrail-keywords passes the guardrail conformance checks', () => {
  describe('blocking', () => {
    for (const check of guardrailConformanceChecks({ plugin: guardrailKeywordsPlugin, options: { deny: ['project falcon'] }, sample, action: 'block' })) it(check.name, check.run);
  });
  describe('redacting', () => {
    for (const check of guardrailConformanceChecks({ plugin: guardrailKeywordsPlugin, options: { deny: ['project falcon'], action: 'redact' }, sample, action: 'redact' })) it(check.name, check.run);
  });
});
