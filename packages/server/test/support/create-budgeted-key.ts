import { masterKey } from './start-test-gateway.js';

/** Creates a virtual key through the admin API (the master key) with a daily budget of `limitUsd` on it; returns the key. */
export async function createBudgetedKey(serverUrl: string, alias: string, limitUsd: number): Promise<string> {
  const admin = async (path: string, body: object) => {
    const response = await fetch(`${serverUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id: string; key: string };
  };
  const created = await admin('/admin/keys', { alias });
  await admin('/admin/budgets', { scope: 'key', id: created.id, limit_usd: limitUsd, period: 'daily' });
  return created.key;
}
