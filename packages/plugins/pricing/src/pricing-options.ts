import { z } from '@tollgate/core';

const perMillion = z.number().min(0);

/**
 * Prices in USD per million tokens (audio input tokens apart with `audioInput`, image input and output
 * tokens with `imageInput` and `imageOutput`); web searches (a server
 * tool the upstream runs) and requests (a fee per call; per image for image models) in USD per
 * thousand; audio of a model billed by its length in USD per hour (`audioHour`); characters of a
 * model billed by them per million (`character`).
 */
const pricesSchema = z.strictObject({
  input: perMillion,
  output: perMillion,
  cacheRead: perMillion.optional(),
  cacheWrite: perMillion.optional(),
  cacheWrite1h: perMillion.optional(),
  webSearch: z.number().min(0).optional(),
  request: z.number().min(0).optional(),
  audioInput: perMillion.optional(),
  imageInput: perMillion.optional(),
  imageOutput: perMillion.optional(),
  audioHour: z.number().min(0).optional(),
  character: perMillion.optional(),
});

/** Options of the pricing plugin. */
export const pricingOptionsSchema = z
  .strictObject({
    /**
     * Prices that win over the table: keyed `provider/model` (a provider instance from the config, as
     * in model targets) or a bare upstream model id. Self-hosted models (vLLM, Ollama) get their price
     * here — or `{ input: 0, output: 0 }` to record them as free.
     */
    overrides: z.record(z.string().min(1), pricesSchema).default({}),
    /**
     * Prices of processing tiers other than the standard one (the `service_tier` an upstream says it
     * served a request at), keyed as `overrides`, then by tier: `{ "gpt-5.9": { priority: { input,
     * output, cacheRead } } }`. They win over what Tollgate knows of OpenAI's Priority and Flex.
     */
    serviceTiers: z.record(z.string().min(1), z.record(z.string().min(1), pricesSchema)).default({}),
  })
  .prefault({});

/** Options of the pricing plugin, with defaults applied. */
export type PricingOptions = z.output<typeof pricingOptionsSchema>;
