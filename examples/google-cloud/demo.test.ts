import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it('runs the composition: Claude Code as sent to Claude on Vertex AI, Gemini and Llama, a fallback on a quota, one token per provider, spend recorded', async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  expect(results).toMatchObject({
    claudePath: '/v1/projects/acme-ai/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
    claudeBodyHasModel: false,
    anthropicVersion: 'vertex-2023-10-16',
    cacheMarkKept: true,
    geminiPath: '/v1/projects/acme-ai/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent',
    llamaPath: '/v1/projects/acme-ai/locations/us-east5/endpoints/openapi/chat/completions',
    answeredBy: ['vertex-gemini', 'vertex-open'],
    smartProvider: 'vertex-gemini',
    smartAttempts: 3,
    tokensIssued: 3,
  });
  expect(results.claudeMessageId).toMatch(/^msg_vrtx_/);
  // Claude and Gemini priced from the table's `google` provider, Llama from the config's override.
  for (const provider of ['vertex-claude', 'vertex-gemini', 'vertex-open']) expect(results.spendByProvider[provider]).toBeGreaterThan(0);
  expect(lines.join('\n')).toContain('answered by vertex-gemini after 3 attempts');
});
