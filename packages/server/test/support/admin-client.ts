import OpenAI from 'openai';
import { expect } from 'vitest';
import type { RunningServer } from '../../src/index.js';

/** $100 per million input tokens, $200 per million output tokens: 1 token = 100 or 200 micro-dollars (the budget tests' price). */
export const budgetTestPrices = { input: 100, output: 200 };
/** What the budget tests' mock reports for each answer: 10 prompt and 100 completion tokens. */
export const budgetTestUsage = { prompt_tokens: 10, completion_tokens: 100 };
/** What one such answer costs at {@link budgetTestPrices}: 21,000 µ$. */
export const budgetTestAnswerMicros = 10 * 100 + 100 * 200;

/**
 * The admin API as tests call it with the master key, on the server `server()` returns once started:
 * `admin` (a GET without a body, a POST with one) answers the status and JSON; `spentMicros` a budget's
 * settled spend, once every finished request is settled.
 */
export function adminClient(server: () => RunningServer, masterKey: string) {
  async function admin(path: string, body?: object): Promise<{ status: number; json: any }> {
    const response = await fetch(`${server().url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${masterKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: await response.json() };
  }

  async function spentMicros(scope: string, id: string): Promise<number> {
    await server().tollgate.gateway.engine.drain();
    const budget = await admin(`/admin/budgets?scope=${scope}&id=${encodeURIComponent(id)}`);
    expect(budget.status).toBe(200);
    return Math.round(budget.json.spent_usd * 1_000_000);
  }

  /** A new virtual key (with `fields` beside its alias: `team_id`, `models`, …) and an `openai` client on it. */
  async function keyClient(alias: string, fields: object = {}): Promise<OpenAI> {
    const created = await admin('/admin/keys', { alias, ...fields });
    expect(created.status).toBe(201);
    return new OpenAI({ baseURL: `${server().url}/v1`, apiKey: created.json.key as string, maxRetries: 0 });
  }

  return { admin, spentMicros, keyClient };
}
