import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { TokenCountCache } from './token-count-cache.js';

const longText = (seed: string) => `${seed}: the agent read a tool result {"rows": [1, 2, 3], "next": null} and wrote fn main() {} `.repeat(40);

describe('TokenCountCache', () => {
  it('counts a long text once and answers it again from memory, with the tokenizer\'s exact count', () => {
    const cache = new TokenCountCache();
    const text = longText('turn 1');
    const first = cache.count(text);
    expect(first).toBe(countTokens(text));
    expect(cache.hits).toBe(0);
    // The next turn resends it as a new string with the same content.
    expect(cache.count(`${text.slice(0, 10)}${text.slice(10)}`)).toBe(first);
    expect(cache.hits).toBe(1);
  });

  it('counts short texts directly, without keeping them', () => {
    const cache = new TokenCountCache({ minChars: 512 });
    expect(cache.count('Hello there')).toBe(countTokens('Hello there'));
    cache.count('Hello there');
    expect(cache.hits).toBe(0);
    expect(cache.chars).toBe(0);
  });

  it('keeps at most maxChars characters, dropping the least recently used text first', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(longText);
    const cache = new TokenCountCache({ maxChars: a!.length * 2 + 10 });
    cache.count(a!);
    cache.count(b!);
    cache.count(a!); // a is now the most recently used
    cache.count(c!); // evicts b
    expect(cache.chars).toBeLessThanOrEqual(a!.length * 2 + 10);
    const hits = cache.hits;
    cache.count(a!);
    expect(cache.hits).toBe(hits + 1);
    cache.count(b!);
    expect(cache.hits).toBe(hits + 1); // b was dropped: counted again
  });
});
