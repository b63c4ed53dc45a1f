import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';

/** The header a client tags its request with (`x-tollgate-tags: feature:search, customer:acme`): spend is reported by tag. */
export const requestTagsHeader = 'x-tollgate-tags';

/** The most tags one request may carry. */
export const maxRequestTags = 10;

/** A tag: a letter or digit, then up to 63 letters, digits and `_ . : / @ = + -`. */
const tagPattern = /^[A-Za-z0-9][\w.:/@=+-]{0,63}$/;

/** What a tag is, for the messages that refuse one. */
export const tagRule = 'a tag is 1 to 64 letters, digits and _ . : / @ = + -, starting with a letter or digit';

/** Whether a text is a tag (see {@link tagRule}). */
export function isTag(text: string): boolean {
  return tagPattern.test(text);
}

/** A key's tags as the config and the admin API take them: each a tag, at most as many as a request may carry. */
export const keyTagsSchema = z.array(z.string().refine(isTag, tagRule)).max(maxRequestTags);

/**
 * A request's tags: its key's (`Principal.tags`) first, then the client's from the header (see
 * {@link parseRequestTags}), each once; undefined without any.
 */
export function requestTags(keyTags: readonly string[] | undefined, header: string | readonly string[] | undefined): readonly string[] | undefined {
  const own = parseRequestTags(header);
  if (keyTags === undefined || keyTags.length === 0) return own;
  if (own === undefined) return keyTags;
  return [...keyTags, ...own.filter((tag) => !keyTags.includes(tag))];
}

/**
 * The tags of a request's `x-tollgate-tags` header (comma-separated; the header given twice counts
 * as one list), trimmed, each once, in the client's order; undefined without any. A malformed tag or
 * more than {@link maxRequestTags} is a 400 naming the header.
 */
export function parseRequestTags(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const tags: string[] = [];
  for (const part of (typeof value === 'string' ? value : value.join(',')).split(',')) {
    const tag = part.trim();
    if (tag === '' || tags.includes(tag)) continue;
    if (!tagPattern.test(tag)) {
      throw new GatewayError('TOLLGATE_INVALID_REQUEST', `${requestTagsHeader} holds "${tag.slice(0, 80)}", which is not a tag: ${tagRule}, and tags are separated by commas.`, { param: requestTagsHeader });
    }
    tags.push(tag);
  }
  if (tags.length > maxRequestTags) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `${requestTagsHeader} holds ${tags.length} tags; a request may carry ${maxRequestTags} at most.`, { param: requestTagsHeader });
  }
  return tags.length === 0 ? undefined : tags;
}
