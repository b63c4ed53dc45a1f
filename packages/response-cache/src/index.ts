export { createResponseCacheHooks, useResponseCache } from './response-cache-hooks.js';
export type { CacheStatus, PendingCacheEntry } from './response-cache-hooks.js';
export { responseCacheOptionsSchema } from './response-cache-options.js';
export type { ResponseCacheOptions } from './response-cache-options.js';
export { cacheKey, cacheKeyOf, cacheTenant } from './cache-key.js';
export type { SimilarAnswer, SimilarAnswers } from './similar-answers.js';
