import type { z } from 'zod';
import type { ConfigIssue } from '../errors/config-error.js';
import { formatIssuePath } from './format-issue-path.js';

/** Says "required" for a missing value instead of zod's "expected string, received undefined". */
const requiredWhenMissing = (issue: { code?: string; input?: unknown }) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;

/** The result of validating one part of a config. */
export type SchemaValidation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: ConfigIssue[] };

/**
 * Validates `value` with a zod schema and reports every problem under `pathPrefix`, so a plugin's
 * option error reads `plugins[1].options.url: required`.
 */
export function validateWithSchema<T>(schema: z.ZodType<T>, value: unknown, pathPrefix: string): SchemaValidation<T> {
  const result = schema.safeParse(value, { error: requiredWhenMissing });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatIssuePath([...issue.path, key], pathPrefix), message: 'unknown key (check its spelling)' }))
      : [{ path: formatIssuePath(issue.path, pathPrefix), message: issue.message }],
  );
  return { ok: false, issues };
}
