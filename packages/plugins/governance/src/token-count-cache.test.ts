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

  it('keeps short texts too: a system prompt resent every turn, a one-word reply, a name', () => {
    const cache = new TokenCountCache();
    expect(cache.count('Write one sentence about foxes.')).toBe(countTokens('Write one sentence about foxes.'));
    expect(cache.count(`Write one sentence${' about foxes.'}`)).toBe(countTokens('Write one sentence about foxes.'));
    expect(cache.hits).toBe(1);
    const kept = cache.chars;
    expect(cache.count('yes')).toBe(countTokens('yes'));
    expect(cache.count(['y', 'es'].join(''))).toBe(countTokens('yes'));
    expect(cache.count('get_weather')).toBe(countTokens('get_weather'));
    expect(cache.hits).toBe(2);
    // Each counted with its entry, as long texts are.
    expect(cache.chars).toBe(kept + 'yes'.length + 64 + 'get_weather'.length + 64);
  });

  it('bounds what a flood of distinct short texts holds: each counts its entry, not only its characters', () => {
    const cache = new TokenCountCache({ maxChars: 10_000 });
    for (let index = 0; index < 1_000; index += 1) cache.count(`message number ${index} of the flood`);
    expect(cache.chars).toBeLessThanOrEqual(10_000);
    // ~30 characters each, and 64 more for the entry: about 100 of them fit, not 300.
    const first = cache.hits;
    cache.count('message number 999 of the flood');
    cache.count('message number 850 of the flood');
    expect(cache.hits).toBe(first + 1);
  });

  it('keeps at most maxChars characters, dropping the least recently used text first', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(longText);
    const room = (a!.length + 64) * 2 + 10; // two texts and their entries
    const cache = new TokenCountCache({ maxChars: room });
    cache.count(a!);
    cache.count(b!);
    cache.count(a!); // a is now the most recently used
    cache.count(c!); // evicts b
    expect(cache.chars).toBeLessThanOrEqual(room);
    const hits = cache.hits;
    cache.count(a!);
    expect(cache.hits).toBe(hits + 1);
    cache.count(b!);
    expect(cache.hits).toBe(hits + 1); // b was dropped: counted again
  });

  it('still makes room when every kept text was asked for again: the oldest goes once all had their second chance', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(longText);
    const room = (a!.length + 64) * 2 + 10;
    const cache = new TokenCountCache({ maxChars: room });
    cache.count(a!);
    cache.count(b!);
    cache.count(a!);
    cache.count(b!); // both marked
    expect(cache.count(c!)).toBe(countTokens(c!));
    expect(cache.chars).toBeLessThanOrEqual(room);
    const hits = cache.hits;
    cache.count(b!);
    cache.count(c!);
    expect(cache.hits).toBe(hits + 2); // b and c kept
    cache.count(a!);
    expect(cache.hits).toBe(hits + 2); // a, the oldest, went
  });
});
