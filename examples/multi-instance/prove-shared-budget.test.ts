import { expect, it } from 'vitest';
// @ts-expect-error -- the proof is plain JavaScript, run as is by `npm start`.
import { proveSharedBudget } from './prove-shared-budget.mjs';

it('holds a $0.05 team budget across two instances sharing PostgreSQL and Redis (real servers)', async () => {
  const figures = await proveSharedBudget(() => undefined);
  expect(figures.succeeded).toBeGreaterThan(0);
  expect(figures.succeeded + figures.rejected).toBe(200);
  expect(figures.recorded).toBe(200);
  expect(figures.spentUsd).toBeLessThanOrEqual(0.05);
  expect(figures.holdsLeft).toBe(0);
  // The deployment's 3 requests a minute went to it across both instances, then the backup took the rest.
  expect(figures.quotaRoute).toEqual(['openai', 'openai', 'openai', 'backup', 'backup']);
  // The second instance continued the first one's conversation.
  expect(figures.conversation).toEqual(['user: My name is Ada.', 'assistant: Noted: your name is Ada.', 'user: What is my name?']);
}, 60_000);
