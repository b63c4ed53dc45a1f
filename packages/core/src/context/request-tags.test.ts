import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { parseRequestTags } from './request-tags.js';

describe('request tags', () => {
  it('read a comma-separated header, trimmed, each once, in order; a header given twice is one list', () => {
    expect(parseRequestTags(' feature:search, customer:acme ,feature:search,, ')).toEqual(['feature:search', 'customer:acme']);
    expect(parseRequestTags(['env=prod', 'team/ml@eu'])).toEqual(['env=prod', 'team/ml@eu']);
    expect(parseRequestTags(undefined)).toBeUndefined();
    expect(parseRequestTags(' , ')).toBeUndefined();
  });

  it('refuse a malformed tag or too many, naming the header', () => {
    for (const value of ['has space', '-leading', 'x'.repeat(65), 'quote"d', 'ünïcode']) {
      const error = (() => {
        try {
          parseRequestTags(value);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(GatewayError.isInstance(error) && error.status === 400 && error.param === 'x-tollgate-tags', value).toBe(true);
    }
    expect(() => parseRequestTags(Array.from({ length: 11 }, (_, index) => `t${index}`).join(','))).toThrow('x-tollgate-tags holds 11 tags; a request may carry 10 at most.');
    expect(parseRequestTags(Array.from({ length: 10 }, (_, index) => `t${index}`).join(','))).toHaveLength(10);
  });
});
