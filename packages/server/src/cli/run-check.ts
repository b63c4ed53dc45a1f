import { pino } from 'pino';
import { createTollgate } from '../create-tollgate.js';

/** `tollgate check`: validates a config (plugins loaded, every option checked) without serving, and prints its warnings (targets without a known price). */
export async function runCheck(options: { configFile?: string | undefined }): Promise<void> {
  const tollgate = await createTollgate({
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    logger: pino({ enabled: false }),
  });
  const providers = Object.keys(tollgate.config.providers);
  const models = Object.keys(tollgate.config.models);
  const warnings = tollgate.gateway.warnings;
  await tollgate.close();
  process.stdout.write(`${tollgate.configSource}: OK (${providers.length} provider${providers.length === 1 ? '' : 's'}: ${providers.join(', ') || 'none'}; ${models.length} model route${models.length === 1 ? '' : 's'}: ${models.join(', ') || 'none'})\n`);
  for (const warning of warnings) process.stdout.write(`warning: ${warning}\n`);
}
