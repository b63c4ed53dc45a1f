import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockVertex, type MockVertex } from '@tollgate/testkit';
import { GoogleAccessToken } from './google-access-token.js';

const clientEmail = 'tollgate@acme-ai.iam.gserviceaccount.com';
const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
let vertex: MockVertex;

beforeAll(async () => {
  vertex = await createMockVertex({ project: 'acme-ai', serviceAccount: { clientEmail, publicKey: key.publicKey } });
});

afterAll(async () => {
  await vertex.close();
});

describe('GoogleAccessToken', () => {
  it('renews in the background from five minutes before expiry, serving the held token meanwhile, and waits only in the last minute', async () => {
    // A clock the test moves; the mock's tokens live 3,599 s of it.
    const start = Date.now();
    let now = start;
    const token = new GoogleAccessToken('vertex', { kind: 'service-account', clientEmail, privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), privateKeyId: undefined, tokenURL: vertex.tokenURL, projectId: 'acme-ai' }, () => now);
    const first = await token.get();
    expect(vertex.tokensIssued).toBe(1);
    now = start + 3_000_000;
    expect(await token.get()).toBe(first);
    expect(vertex.tokensIssued).toBe(1);

    // Four minutes before expiry: the held token answers at once, and a new one is fetched behind it.
    now = start + 3_599_000 - 240_000;
    expect(await token.get()).toBe(first);
    expect(await vertex.waitFor((mock) => mock.tokensIssued === 2, 2_000)).toBe(true);
    const second = await token.get();
    expect(second).not.toBe(first);
    expect(vertex.tokensIssued).toBe(2);

    // In its last minute a token is not handed out: the request waits for the next one.
    now = now + 3_599_000 - 30_000;
    const third = await token.get();
    expect(third).not.toBe(second);
    expect(vertex.tokensIssued).toBe(3);
  });
});
