import { describe, expect, it } from 'vitest';
import { StreamTextFilter } from '@tollgate/guardrail-kit';
import { findPii, piiCategories, type PiiCategory } from './pii-detectors.js';

const all = new Set<PiiCategory>(piiCategories);
const categoriesIn = (text: string) => findPii(text, all, 'US').map((match) => [match.category, text.slice(match.start, match.end)]);

describe('PII detection', () => {
  it('finds each category, with the exact span', () => {
    expect(categoriesIn('Mail jane.doe+work@example.co.uk today')).toEqual([['email', 'jane.doe+work@example.co.uk']]);
    expect(categoriesIn('Call +44 20 7946 0958 or (415) 555-2671.')).toEqual([['phone', '+44 20 7946 0958'], ['phone', '(415) 555-2671']]);
    expect(categoriesIn('Card 4111 1111 1111 1111 exp 12/29')).toEqual([['credit_card', '4111 1111 1111 1111']]);
    expect(categoriesIn('IBAN DE89 3704 0044 0532 0130 00 please')).toEqual([['iban', 'DE89 3704 0044 0532 0130 00']]);
    expect(categoriesIn('SSN 123-45-6789.')).toEqual([['us_ssn', '123-45-6789']]);
    expect(categoriesIn('hosts 10.0.0.12 and 2001:db8::8a2e:370:7334')).toEqual([['ip_address', '10.0.0.12'], ['ip_address', '2001:db8::8a2e:370:7334']]);
    expect(categoriesIn('key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv')).toEqual([['secret', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv']]);
    expect(categoriesIn('aws AKIAIOSFODNN7EXAMPLE here')).toEqual([['secret', 'AKIAIOSFODNN7EXAMPLE']]);
    expect(categoriesIn('token 9fQ2xL7vR4mK8pZ1wT6yB3nC5hJ0dG2s end')).toEqual([['secret', '9fQ2xL7vR4mK8pZ1wT6yB3nC5hJ0dG2s']]);
  });

  it('lets look-alikes through: failed checksums, impossible addresses, ordinary long words', () => {
    expect(categoriesIn('Order 4111 1111 1111 1112 shipped')).toEqual([]);
    expect(categoriesIn('IBAN DE88 3704 0044 0532 0130 00')).toEqual([]);
    expect(categoriesIn('SSN 000-12-3456 and 666-12-3456')).toEqual([]);
    expect(categoriesIn('version 300.1.2.3 of the tool')).toEqual([]);
    expect(categoriesIn('internationalization_and_localization_frameworks are fine')).toEqual([]);
    expect(categoriesIn('The meeting is at 10:30 on 2026-12-01.')).toEqual([]);
  });
});

describe('the stream filter', () => {
  it('catches a secret split across two chunks and never releases a fragment of it', () => {
    const secret = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv';
    const find = (text: string) => findPii(text, all, 'US');
    const redact = (text: string) => {
      let out = text;
      for (const match of find(text).reverse()) out = out.slice(0, match.start) + '[SECRET]' + out.slice(match.end);
      return out;
    };
    const filter = new StreamTextFilter(64, find, redact);
    const released = [
      filter.push(0, 'Here is the key you asked for: ' + secret.slice(0, 12), false),
      filter.push(0, secret.slice(12) + ' and some more words to push the window along nicely', false),
      filter.push(0, '.', true),
    ];
    expect(released.join('')).toBe('Here is the key you asked for: [SECRET] and some more words to push the window along nicely.');
    for (const piece of released) expect(piece).not.toContain('sk-proj');
  });
});
