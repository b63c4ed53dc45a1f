import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { parseRequestTags, requestTags } from './request-tags.js';

describe('request tags', () => {
  it('read a comma-separated header, trimmed, each once, in order; a header given twice is one list', () => {
    expect(parseRequestTags(' feature:search, customer:acme ,feature:search,, ')).toEqual(['feature:search', 'customer:acme']);
    expect(parseRequestTags(['env=prod', 'team/ml@eu'])).toEqual(['env=prod', 'team/ml@eu']);
    expect(parseRequestTags(undefined)).toBeUndefined();
    expect(parseRequestTags(' , ')).toBeUndefined();
  });

  it('put a key\'s tags first, then the client\'s it did not already carry', () => {
    expect(requestTags(['project:search', 'env:prod'], 'env:prod, customer:acme')).toEqual(['project:search', 'env:prod', 'customer:acme']);
    expect(requestTags(['project:search'], undefined)).toEqual(['project:search']);
    expect(requestTags(undefined, 'customer:acme')).toEqual(['customer:acme']);
    expect(requestTags([], undefined)).toBeUndefined();
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
