import type { StreamedOutput } from '../types/streamed-output.js';
import type { Usage } from '../types/usage.js';
import { approximateTokensOfBytes } from './count-prompt-tokens.js';

/**
 * The output tokens counted text stands for: one a piece at least (OpenAI-compatible servers stream
 * a token a chunk), else one per 4 bytes of text (Anthropic sends several tokens a delta).
 */
export function tokensOfStreamedOutput(output: StreamedOutput): number {
  return Math.max(output.pieces, approximateTokensOfBytes(output.textBytes));
}

/**
 * The usage of a stream cut before the upstream's last count (the client left, or the stream broke):
 * what the upstream did say (Anthropic's message_start gives the prompt's tokens, OpenAI nothing before
 * its last chunk), its output raised to what was counted going by, and the prompt's tokens from
 * `promptTokens` when the upstream never gave them. The upstream may bill a little more: it keeps
 * generating until it sees the connection go.
 */
export function estimateCutStreamUsage(said: Usage | undefined, output: StreamedOutput | undefined, promptTokens: () => number): Usage {
  const promptTokenCount = said?.prompt_tokens ?? promptTokens();
  const completionTokens = Math.max(said?.completion_tokens ?? 0, output === undefined ? 0 : tokensOfStreamedOutput(output));
  return { ...said, prompt_tokens: promptTokenCount, completion_tokens: completionTokens, total_tokens: promptTokenCount + completionTokens };
}
