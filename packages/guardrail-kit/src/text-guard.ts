/** A match a guard found: where it is and which category (never logged with its text). */
export interface TextMatch {
  readonly start: number;
  readonly end: number;
  /** `email`, `credit_card`, `deny_list` …: what the message and the logs name. */
  readonly category: string;
}

/** What a guardrail does with a category: replace it, refuse the content, or only log it. */
export type GuardAction = 'redact' | 'block' | 'log';

/**
 * A text detector: finds matches in a text. `maxMatchLength` bounds a match's length, so a stream
 * can hold back that many characters and still catch a match split across chunks.
 */
export interface TextGuard {
  find(text: string): TextMatch[];
  readonly maxMatchLength: number;
}
