import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** Options of one `type: acme` provider instance (validated at startup; errors name the config path). */
export const acmeOptionsSchema = z.strictObject({
  apiKey: z.string().min(1),
  baseURL: z.url().default('https://api.acme.example/v1'),
  timeouts: upstreamTimeoutsSchema,
});

/** Options of one `type: acme` provider instance. */
export type AcmeOptions = z.output<typeof acmeOptionsSchema>;
