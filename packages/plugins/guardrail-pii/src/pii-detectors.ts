import { isIP } from 'node:net';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { TextMatch } from '@tollgate/guardrail-kit';

/** The PII categories this guardrail knows. */
export const piiCategories = ['email', 'phone', 'credit_card', 'iban', 'us_ssn', 'ip_address', 'secret'] as const;

/** One PII category. */
export type PiiCategory = (typeof piiCategories)[number];

const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const cardCandidate = /\b\d(?:[ -]?\d){12,18}\b/g;
const ibanCandidate = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const ssn = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g;
const ipv4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const ipv6Candidate = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
/** Secrets with a well-known prefix: OpenAI, Anthropic, AWS, GitHub, Slack, Google, GitLab, Stripe, Tollgate keys; JWTs. */
const knownSecret =
  /\b(?:sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}|[rs]k_live_[A-Za-z0-9]{20,}|tg-[A-Za-z0-9_-]{32}|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g;
const tokenCandidate = /\b[A-Za-z0-9+/_-]{32,}={0,2}/g;
/** Runs that could be a phone number (7+ digits with separators); only these go to libphonenumber, which is slow on long texts. */
const isoDateOrTime = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/;
const phoneCandidate = /(?:\+|\(|\b)\d[\d \t().\/-]{5,}\d/g;

/** Luhn's checksum, which every card number passes (and most digit runs do not). */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

/** A random-looking token: long, mixing letters and digits, ≥ 4 bits of entropy per character. */
function looksRandom(token: string): boolean {
  return /[A-Za-z]/.test(token) && /\d/.test(token) && entropy(token) >= 4;
}

function* matchesOf(pattern: RegExp, text: string, category: PiiCategory, accept: (found: string) => boolean = () => true): Generator<TextMatch> {
  for (const found of text.matchAll(pattern)) if (accept(found[0])) yield { start: found.index, end: found.index + found[0].length, category };
}

/**
 * Finds PII in a text, by category: e-mail addresses, phone numbers (runs of 7–15 digits that
 * `libphonenumber-js` parses as a valid number, international or of `phoneCountry`), card numbers
 * (13–19 digits passing Luhn), IBANs (checksum-validated by `ibantools`), US SSNs, IPv4 and IPv6
 * addresses (validated by `node:net`), and secrets (well-known key prefixes, JWTs, and long
 * high-entropy tokens).
 */
export function findPii(text: string, categories: ReadonlySet<PiiCategory>, phoneCountry: CountryCode): TextMatch[] {
  const found: TextMatch[] = [];
  if (categories.has('secret')) {
    found.push(...matchesOf(knownSecret, text, 'secret'));
    found.push(...matchesOf(tokenCandidate, text, 'secret', looksRandom));
  }
  if (categories.has('email')) found.push(...matchesOf(email, text, 'email'));
  if (categories.has('credit_card')) found.push(...matchesOf(cardCandidate, text, 'credit_card', (candidate) => passesLuhn(candidate.replace(/\D/g, ''))));
  if (categories.has('iban')) found.push(...matchesOf(ibanCandidate, text, 'iban', (candidate) => isValidIBAN(electronicFormatIBAN(candidate) ?? '')));
  if (categories.has('us_ssn')) found.push(...matchesOf(ssn, text, 'us_ssn'));
  if (categories.has('ip_address')) {
    found.push(...matchesOf(ipv4, text, 'ip_address', (candidate) => isIP(candidate) === 4));
    found.push(...matchesOf(ipv6Candidate, text, 'ip_address', (candidate) => isIP(candidate) === 6));
  }
  if (categories.has('phone')) {
    for (const candidate of text.matchAll(phoneCandidate)) {
      const digits = candidate[0].replace(/\D/g, '').length;
      // E.164 numbers have at most 15 digits; ISO dates and times are not numbers anyone dials.
      if (digits < 7 || digits > 15 || isoDateOrTime.test(candidate[0])) continue;
      const number = candidate[0].replace(/[\s.(/-]+$/, '');
      if (parsePhoneNumberFromString(number, phoneCountry)?.isValid() === true) found.push({ start: candidate.index, end: candidate.index + number.length, category: 'phone' });
    }
  }
  // Earlier and longer first; a match overlapping one kept is dropped (a key prefix over its entropy, a card over a phone).
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: TextMatch[] = [];
  for (const match of found) if (kept.length === 0 || match.start >= kept.at(-1)!.end) kept.push(match);
  return kept;
}
