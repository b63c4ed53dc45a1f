import type { z } from 'zod';
import type { Provider } from '../provider/provider.js';
import type { Logger } from '../services/logger.js';

/** What a provider factory receives besides its validated options. */
export interface ProviderInit {
  /** The instance name from the config (`providers.<name>`). */
  readonly name: string;
  readonly logger: Logger;
}

/**
 * A provider type a plugin registers (`openai`, `anthropic`). Each `providers.<name>` entry of that
 * `type` is validated with `options` (errors name the config path) and built with `create`.
 */
export interface ProviderDefinition<TSchema extends z.ZodType = z.ZodType> {
  readonly options: TSchema;
  create(options: z.output<TSchema>, init: ProviderInit): Provider;
}
