import { z } from '@tollgate/core';
import { guardrailScopeSchema } from '@tollgate/guardrail-kit';

/** Options of the keyword guardrail. */
export const guardrailKeywordsOptionsSchema = z
  .strictObject({
    /** Words and phrases, matched whole and case-insensitively (category `deny_list`). */
    deny: z.array(z.string().min(1)).default([]),
    /** Regular expressions (JavaScript syntax), each with its own category; refused at startup if they could backtrack catastrophically. */
    patterns: z
      .array(z.strictObject({ pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/, 'only i, m, s and u').default(''), category: z.string().regex(/^[a-z0-9_]+$/).default('pattern') }))
      .default([]),
    /** What a match does: `block` (400 naming the category), `redact` (replaced by `placeholder`) or `log`. */
    action: z.enum(['block', 'redact', 'log']).default('block'),
    placeholder: z.string().default('[REDACTED]'),
    /** Guard requests before they leave. */
    requests: z.boolean().default(true),
    /** Guard answers (whole and streamed). */
    responses: z.boolean().default(true),
    /** Characters a stream holds back to catch a match split across chunks (default: the longest deny entry, at least 64). */
    streamHoldback: z.number().int().min(16).max(4_096).optional(),
    /** Where it applies: teams, keys, models (everywhere when left out). */
    appliesTo: guardrailScopeSchema,
  })
  .refine((options) => options.deny.length > 0 || options.patterns.length > 0, { message: 'give at least one `deny` entry or one of `patterns`' })
  .prefault({ deny: [] });

/** Options of the keyword guardrail, with defaults applied. */
export type GuardrailKeywordsOptions = z.output<typeof guardrailKeywordsOptionsSchema>;
