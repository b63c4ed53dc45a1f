import { z } from '@tollgate/core';
import { guardrailScopeSchema } from '@tollgate/guardrail-kit';
import { piiCategories } from './pii-detectors.js';

const action = z.enum(['redact', 'block', 'log']);

/** Options of the PII guardrail. */
export const guardrailPiiOptionsSchema = z
  .strictObject({
    /** What to do with PII: `redact` (placeholders like `[EMAIL_1]`), `block` (400 naming the category) or `log`. */
    action: action.default('redact'),
    /** Per-category actions over `action` (`{ secret: block }`). */
    categories: z.partialRecord(z.enum(piiCategories), action).default({}),
    /** Categories looked for; all when left out. */
    detect: z.array(z.enum(piiCategories)).min(1).default([...piiCategories]),
    /** Guard requests before they leave. */
    requests: z.boolean().default(true),
    /** Guard answers (whole and streamed). */
    responses: z.boolean().default(true),
    /** Put the user's own values back where the answer repeats their placeholders. */
    restore: z.boolean().default(false),
    /** The country of phone numbers written without `+` (ISO 3166 alpha-2). */
    phoneCountry: z.string().length(2).default('US'),
    /** Characters a stream holds back to catch PII split across chunks. */
    streamHoldback: z.number().int().min(16).max(4_096).default(256),
    /** Where it applies: teams, keys, models (everywhere when left out). */
    appliesTo: guardrailScopeSchema,
  })
  .prefault({});

/** Options of the PII guardrail, with defaults applied. */
export type GuardrailPiiOptions = z.output<typeof guardrailPiiOptionsSchema>;
