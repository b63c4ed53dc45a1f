import safeRegex from 'safe-regex2';
import type { TextGuard, TextMatch } from '@tollgate/guardrail-kit';
import type { GuardrailKeywordsOptions } from './guardrail-keywords-options.js';

/** A regular expression's special characters, escaped so a deny entry matches itself. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles the deny list and patterns once: the deny list into one case-insensitive alternation of
 * whole words (Unicode letters and digits as word characters), each pattern on its own. A pattern
 * that `safe-regex2` finds prone to catastrophic backtracking (nested quantifiers) is refused with an
 * error naming it, so no request can make the gateway spin.
 */
export function createKeywordGuard(options: GuardrailKeywordsOptions): TextGuard {
  const compiled: { regex: RegExp; category: string }[] = [];
  if (options.deny.length > 0) {
    const words = [...options.deny].sort((a, b) => b.length - a.length).map(escape).join('|');
    compiled.push({ regex: new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words})(?![\\p{L}\\p{N}_])`, 'giu'), category: 'deny_list' });
  }
  for (const { pattern, flags, category } of options.patterns) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, `${flags}g`);
    } catch (error) {
      throw new Error(`patterns: "${pattern}" is not a valid regular expression: ${(error as Error).message}`);
    }
    if (!safeRegex(regex)) throw new Error(`patterns: "${pattern}" could backtrack catastrophically (nested quantifiers); rewrite it without them.`);
    compiled.push({ regex, category });
  }
  const longestWord = Math.max(0, ...options.deny.map((word) => word.length));
  return {
    maxMatchLength: options.streamHoldback ?? Math.max(64, longestWord + 1),
    find(text) {
      const matches: TextMatch[] = [];
      for (const { regex, category } of compiled) {
        for (const found of text.matchAll(regex)) if (found[0].length > 0) matches.push({ start: found.index, end: found.index + found[0].length, category });
      }
      return matches;
    },
  };
}
