import { z } from 'zod';
import { gatewayConfigSchema } from './gateway-config.js';

/**
 * The JSON Schema of a Tollgate config file, as written (defaults not yet applied). Editors validate
 * `tollgate.config.yaml` with it (`# yaml-language-server: $schema=…`), and the configuration
 * reference is generated from it, so neither can drift from the validation the gateway runs.
 */
export function gatewayConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(gatewayConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
