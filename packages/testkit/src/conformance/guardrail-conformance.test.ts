import { describe, expect, it } from 'vitest';
import { definePlugin, GatewayError, type ChatCompletionRequest } from '@tollgate/core';
import { guardrailConformanceChecks } from './guardrail-conformance.js';

/** A guardrail with the usual shortcuts: it guards requests, and each stream chunk on its own. */
const chunkByChunk = definePlugin({
  name: 'chunk-by-chunk',
  setup(api) {
    const redact = (text: string) => text.replaceAll('secret-value', '[X]');
    api.addHook('transform.request', (context) => {
      context.noteGuardrail('chunk-by-chunk');
      const request = context.request as ChatCompletionRequest;
      const content = request.messages[0]?.content;
      if (typeof content === 'string' && content.includes('secret-value')) throw new GatewayError('TOLLGATE_GUARDRAIL_BLOCKED', `blocked: ${content}`);
      return undefined;
    });
    api.addHook('transform.chunk', (_context, chunk) => ({ ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, delta: { ...choice.delta, content: typeof choice.delta.content === 'string' ? redact(choice.delta.content) : choice.delta.content } })) }));
  },
});

describe('the guardrail conformance checks', () => {
  it('catch a guardrail that leaks the value in its block message, in whole answers and across chunks', async () => {
    const failures: string[] = [];
    for (const check of guardrailConformanceChecks({ plugin: chunkByChunk, sample: { text: 'here is secret-value now', value: 'secret-value' }, action: 'block' })) {
      await check.run().catch((error: Error) => failures.push(error.message));
    }
    const report = failures.join('\n');
    expect(report).toContain('Guardrail contract — a block message names the category, never the value');
    expect(report).toContain('Guardrail contract — the value does not reach the client in a whole answer');
    expect(report).toContain('Guardrail contract — a match split across chunks is caught before any part of it is sent');
    expect(report).toContain('fix:  Hold back the tail of the stream');
  });
});
