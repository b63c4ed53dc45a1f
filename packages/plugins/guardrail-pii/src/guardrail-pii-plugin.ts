import { definePlugin } from '@tollgate/core';
import { useTextGuardrail } from '@tollgate/guardrail-kit';
import type { CountryCode } from 'libphonenumber-js';
import { guardrailPiiOptionsSchema } from './guardrail-pii-options.js';
import { findPii, type PiiCategory } from './pii-detectors.js';

/** How a block message names each category (never the value). */
const descriptions: Readonly<Record<PiiCategory, string>> = {
  email: 'an e-mail address',
  phone: 'a phone number',
  credit_card: 'a credit card number',
  iban: 'an IBAN',
  us_ssn: 'a US social security number',
  ip_address: 'an IP address',
  secret: 'a secret (an API key or token)',
};

/**
 * Finds PII (e-mail, phone, card numbers, IBANs, US SSNs, IPs, secrets) in requests before they leave,
 * in answers and in streams (across chunk boundaries), and redacts, blocks or logs it per category.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/guardrail-pii", options: { action: redact, categories: { secret: block }, restore: true } }
 */
export const guardrailPiiPlugin = definePlugin({
  name: '@tollgate/guardrail-pii',
  options: guardrailPiiOptionsSchema,
  setup(api, options) {
    const categories = new Set<PiiCategory>(options.detect);
    const phoneCountry = options.phoneCountry.toUpperCase() as CountryCode;
    useTextGuardrail(api, {
      name: 'pii',
      guard: { find: (text) => findPii(text, categories, phoneCountry), maxMatchLength: options.streamHoldback },
      actionOf: (category) => options.categories[category as PiiCategory] ?? options.action,
      placeholder: (match, index) => `[${match.category.toUpperCase()}_${index}]`,
      describe: (category) => descriptions[category as PiiCategory],
      scope: options.appliesTo,
      requests: options.requests,
      responses: options.responses,
      restore: options.restore,
    });
  },
});
