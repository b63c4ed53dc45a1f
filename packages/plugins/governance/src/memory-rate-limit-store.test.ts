import { describe, it } from 'vitest';
import { rateLimitStoreConformanceChecks } from '@tollgate/testkit';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';

describe('the memory rate-limit store passes the rate-limit store conformance checks', () => {
  for (const check of rateLimitStoreConformanceChecks({ open: async () => ({ store: new MemoryRateLimitStore(), dispose: async () => {} }) })) it(check.name, check.run);
});
