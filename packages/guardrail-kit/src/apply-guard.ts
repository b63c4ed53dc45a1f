import type { GuardAction, TextGuard, TextMatch } from './text-guard.js';

/** What a guard made of one text: the text to send on, and the matches by action. */
export interface GuardOutcome {
  readonly text: string;
  readonly blocked: TextMatch | undefined;
  readonly redacted: readonly TextMatch[];
  readonly logged: readonly TextMatch[];
}

/**
 * Runs a guard over a text and applies each match's action: `block` stops at the first blocked
 * match, `redact` replaces the match with `placeholder(match)`, `log` leaves it. Overlapping
 * matches keep the first.
 */
export function applyGuard(text: string, guard: TextGuard, actionOf: (category: string) => GuardAction, placeholder: (match: TextMatch, original: string) => string): GuardOutcome {
  const matches = guard.find(text).sort((a, b) => a.start - b.start);
  const redacted: TextMatch[] = [];
  const logged: TextMatch[] = [];
  let output = '';
  let cursor = 0;
  for (const match of matches) {
    if (match.start < cursor) continue;
    const action = actionOf(match.category);
    if (action === 'block') return { text, blocked: match, redacted, logged };
    if (action === 'log') {
      logged.push(match);
      continue;
    }
    output += text.slice(cursor, match.start) + placeholder(match, text.slice(match.start, match.end));
    cursor = match.end;
    redacted.push(match);
  }
  return { text: redacted.length === 0 ? text : output + text.slice(cursor), blocked: undefined, redacted, logged };
}
