import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it("runs a voice agent's turn: a streamed transcript, a moderation check, an answer, its audio as made; Whisper on an overload; the team's budget holding; each step's cost", async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  expect(results).toMatchObject({
    transcript: 'Mock transcript of 4 seconds of audio.',
    flagged: false,
    audioType: 'audio/mpeg',
    openAIPaths: ['/v1/audio/transcriptions', '/v1/moderations', '/v1/chat/completions', '/v1/audio/speech'],
    fallbackModel: 'whisper-1',
    // 30 seconds at $0.36 an hour.
    fallbackCost: 0.003,
    longSpeech: { status: 429, code: 'budget_exceeded', upstreamCalls: 0 },
  });
  expect(results.audioBytes).toBeGreaterThan(0);
  // Every step priced: the transcript's tokens, moderation free, the answer's tokens, the speech's tokens.
  const [hear, check, think, speak] = results.stepCosts as [number, number, number, number];
  expect(hear).toBeGreaterThan(0);
  expect(check).toBe(0);
  expect(think).toBeGreaterThan(0);
  expect(speak).toBeGreaterThan(0);
  // What the team spent is what the steps cost (the budget is the ledger's figure, not an estimate).
  expect(results.budget.spent_usd + results.budget.reserved_usd).toBeCloseTo(hear + check + think + speak + 0.003, 6);
  expect(lines.join('\n')).toContain('The team budget of "voice" ($0.2500 daily)');
});
