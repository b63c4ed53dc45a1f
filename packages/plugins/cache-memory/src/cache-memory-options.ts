import { z } from '@tollgate/core';
import { responseCacheOptionsSchema } from '@tollgate/response-cache';

/** Options of the memory cache plugin: its size bound and the response cache's options. */
export const cacheMemoryOptionsSchema = responseCacheOptionsSchema
  .extend({
    /** Bytes the cached answers may take at most (keys and values as stored); least recently used go first. */
    maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
  })
  .prefault({});

/** Options of the memory cache plugin, with defaults applied. */
export type CacheMemoryOptions = z.output<typeof cacheMemoryOptionsSchema>;
