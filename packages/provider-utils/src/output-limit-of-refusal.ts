/**
 * How upstreams say an output limit is larger than they take, each with the largest they would take:
 * OpenAI's (`max_tokens is too large: 32000. This model supports at most 16384 completion tokens`) and
 * its context window's, which vLLM and other servers copy (`maximum context length is 16384 tokens.
 * However, you requested 17000 tokens (1000 in the messages, 16000 in the completion)`), vLLM's newer
 * (`maximum context length is 64001 tokens and your request has 24235 input tokens`), and Claude's
 * (`max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens`; `input length and
 * \`max_tokens\` exceed context limit: 188240 + 21333 > 200000`), on its API and through Bedrock, and
 * Bedrock's own (`The maximum tokens you requested exceeds the model limit of 4096`), and OpenAI-format
 * services' with a range (DeepSeek's `the valid range of max_tokens is [1, 8192]`, Alibaba Cloud's
 * `Range of max_tokens should be [1, 32768]`).
 */
const refusals: readonly { readonly pattern: RegExp; readonly limit: (numbers: readonly number[]) => number }[] = [
  { pattern: /is too large: \d+\. This model supports at most (\d+) (?:completion|output) tokens/, limit: ([most]) => most! },
  { pattern: /maximum context length is (\d+) tokens\. However, you requested \d+ tokens \((\d+) in the messages, \d+ in the completion\)/, limit: ([window, prompt]) => window! - prompt! },
  { pattern: /maximum context length is (\d+) tokens and your request has (\d+) input tokens/, limit: ([window, prompt]) => window! - prompt! },
  { pattern: /max_tokens: \d+ > (\d+), which is the maximum allowed number of output tokens/, limit: ([most]) => most! },
  { pattern: /input length and `max_tokens` exceed context limit: (\d+) \+ \d+ > (\d+)/, limit: ([prompt, window]) => window! - prompt! },
  { pattern: /maximum tokens you requested exceeds? the model limit of (\d+)/, limit: ([most]) => most! },
  { pattern: /(?:valid range of max_tokens is|Range of max_tokens should be) \[\d+, ?(\d+)\]/, limit: ([most]) => most! },
];

/**
 * The largest output limit an upstream's refusal says it would take (see {@link refusals}); undefined
 * for any other message, or when even the prompt leaves no room.
 */
export function outputLimitOfRefusal(message: string): number | undefined {
  for (const { pattern, limit } of refusals) {
    const match = pattern.exec(message);
    if (match === null) continue;
    const largest = limit(match.slice(1).map(Number));
    return largest > 0 ? largest : undefined;
  }
  return undefined;
}
