import type { ConfigIssue } from '../errors/config-error.js';
import { gatewayConfigSchema, type GatewayConfig } from './gateway-config.js';
import { validateWithSchema } from './validate-with-schema.js';

/**
 * Checks a configuration's shape (not its plugins' options, which need the plugins loaded): the
 * validated config with defaults applied, or every issue by path.
 */
export function validateGatewayConfig(config: unknown): { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] } {
  const result = validateWithSchema(gatewayConfigSchema, config, '');
  return result.ok ? { ok: true, config: result.value } : { ok: false, issues: result.issues };
}
