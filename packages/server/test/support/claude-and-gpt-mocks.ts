import { afterAll, beforeEach } from 'vitest';
import { createMockAnthropic, createMockOpenAI, type MockAnthropic, type MockOpenAI } from '@tollgate/testkit';

/** The provider key the Claude mock checks. */
export const anthropicKey = 'sk-ant-upstream-SECRET-0123456789';

/**
 * A Claude mock (checking {@link anthropicKey}) and an OpenAI mock for a test file, started at once:
 * reset before each test, and closed after the file's own `afterAll` hooks (vitest runs those in
 * reverse), so its gateway closes first.
 */
export async function startClaudeAndGptMocks(): Promise<{ readonly claude: MockAnthropic; readonly gpt: MockOpenAI }> {
  const claude = await createMockAnthropic({ apiKey: anthropicKey });
  const gpt = await createMockOpenAI();
  beforeEach(() => {
    claude.reset();
    gpt.reset();
  });
  afterAll(async () => {
    await claude.close();
    await gpt.close();
  });
  return { claude, gpt };
}
