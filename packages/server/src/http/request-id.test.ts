import { describe, expect, it, vi } from 'vitest';
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

  it('carry the exact millisecond on both sides of a change in its upper 32 bits (every 65.5 s)', () => {
    const millis = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    vi.useFakeTimers();
    try {
      for (const at of [0x019a_ffff_fffe, 0x019a_ffff_ffff, 0x019b_0000_0000, 0x019b_0000_0001, 0x019b_0000_00ff, 0x019b_0000_0100, Date.UTC(2026, 11, 6)]) {
        vi.setSystemTime(at);
        const id = uuidv7();
        expect(millis(id), id).toBe(at);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('keep a sane incoming x-request-id and replace anything else', () => {
    expect(requestIdFrom('trace-123:abc')).toBe('trace-123:abc');
    expect(requestIdFrom('bad id with spaces')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(requestIdFrom(['a', 'b'])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });
});
