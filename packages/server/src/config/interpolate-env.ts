import type { ConfigIssue } from '@tollgate/core';

const reference = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed config (never in its raw text,
 * so a value cannot inject structure). `$${` is a literal `${`. A variable that is unset (or empty,
 * for the `:-` form) without a default is reported at its config path.
 */
export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, issues: ConfigIssue[], path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(reference, (match, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '${';
      const found = env[name];
      if (found !== undefined && (found !== '' || fallback === undefined)) return found;
      if (fallback !== undefined) return fallback;
      issues.push({ path: path || '(root)', message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)` });
      return match;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, issues, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateEnv(item, env, issues, path === '' ? key : `${path}.${key}`);
    }
    return result;
  }
  return value;
}
