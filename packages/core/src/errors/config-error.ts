import { GatewayError } from './gateway-error.js';

/** One problem in a configuration, located by its path (`providers.openai.apiKey`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** A configuration was refused. `issues` lists every problem found, not only the first. */
export class ConfigError extends GatewayError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const where = source === undefined ? 'The configuration' : `The configuration in ${source}`;
    const lines = issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`);
    super('TOLLGATE_CONFIG_INVALID', `${where} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  /** Identity that survives duplicate copies of this package. */
  static override isInstance(value: unknown): value is ConfigError {
    return GatewayError.isInstance(value) && value.code === 'TOLLGATE_CONFIG_INVALID' && Array.isArray((value as ConfigError).issues);
  }
}
