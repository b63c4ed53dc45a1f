import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it("runs a design team's images: a shot priced by image tokens, an edit's uploads as image input, Gemini on an overload, Imagen drafts per image, the team's budget holding", async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  expect(results).toMatchObject({
    // 9 prompt words at $5, 1,056 image tokens (a medium 1024×1024) at $32 per million.
    shot: { images: 1, cost: 0.033837 },
    // Two 1024×1024 uploads, one tile each (194 tokens) at $8; 272 image tokens at $32; 9 words at $5.
    edit: { uploadTokens: 388, cost: 0.011858 },
    // 3 prompt tokens at $0.30, 1,290 image tokens at $30 per million.
    fallback: { model: 'gemini-2.5-flash-image', attempts: 2, cost: 0.038701 },
    drafts: { images: 4, cost: 0.08 },
    refused: { status: 429, code: 'budget_exceeded', upstreamCalls: 0 },
  });
  // What the team spent is what the scenes cost (the budget is the ledger's figure, not an estimate).
  const { shot, edit, fallback, drafts } = results as Record<string, { cost: number }>;
  expect(results.budget.spent_usd + results.budget.reserved_usd).toBeCloseTo(shot!.cost + edit!.cost + fallback!.cost + drafts!.cost, 6);
  expect(lines.join('\n')).toContain('The team budget of "design" ($1.0000 daily)');
});
