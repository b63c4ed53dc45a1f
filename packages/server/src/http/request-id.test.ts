import { describe, expect, it } from 'vitest';
import { requestIdFrom, uuidv7 } from './request-id.js';

describe('request ids', () => {
  it('are UUID v7: version 7, RFC variant, the current millisecond first, so they sort by time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 50 }, () => uuidv7());
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const millis = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
      expect(millis).toBeGreaterThanOrEqual(before);
      expect(millis).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(50);
  });

  it('take the time of each new millisecond', async () => {
    const first = uuidv7();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = Date.now();
    const second = uuidv7();
    const millis = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(millis(second)).toBeGreaterThanOrEqual(later);
    expect(millis(second)).toBeGreaterThan(millis(first));
  });

  it('keep a sane incoming x-request-id and replace anything else', () => {
    expect(requestIdFrom('trace-123:abc')).toBe('trace-123:abc');
    expect(requestIdFrom('bad id with spaces')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(requestIdFrom(['a', 'b'])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });
});
