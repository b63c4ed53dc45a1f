import { definePlugin } from '@tollgate/core';
import { useTextGuardrail } from '@tollgate/guardrail-kit';
import { guardrailKeywordsOptionsSchema } from './guardrail-keywords-options.js';
import { createKeywordGuard } from './keyword-guard.js';

/**
 * Blocks (or redacts, or logs) deny-listed words and phrases and regular-expression matches in
 * requests, answers and streams (across chunk boundaries); patterns are checked for catastrophic
 * backtracking and compiled once, at startup.
 *
 * @example
 * plugins:
 *   - name: "@tollgate/guardrail-keywords"
 *     options: { deny: ["project falcon"], patterns: [{ pattern: "INC-\\d{6}", category: "incident_id" }], action: block }
 */
export const guardrailKeywordsPlugin = definePlugin({
  name: '@tollgate/guardrail-keywords',
  options: guardrailKeywordsOptionsSchema,
  setup(api, options) {
    const guard = createKeywordGuard(options);
    useTextGuardrail(api, {
      name: 'keywords',
      guard,
      actionOf: () => options.action,
      placeholder: () => options.placeholder,
      describe: (category) => (category === 'deny_list' ? 'a deny-listed term' : `a match of pattern category "${category}"`),
      scope: options.appliesTo,
      requests: options.requests,
      responses: options.responses,
    });
  },
});
