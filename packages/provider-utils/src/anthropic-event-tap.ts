import { countStreamedText, GatewayError, newStreamedOutput, ProviderError, redactSecrets, type StreamedOutput, type StreamSummary } from '@tollgate/core';
import type { AnthropicUsage } from './anthropic-messages.js';
import { statusOfAnthropicErrorType } from './anthropic-error-status.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { anthropicServiceTier, mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

/**
 * What a Messages API stream passed through as bytes tells the gateway, noted event by event into a
 * {@link StreamSummary}: usage (message_start's counts, then message_delta's cumulative ones; fast
 * mode as the service tier `fast`), model, id and the stop reason (as OpenAI's finish reason). Shared
 * by Anthropic's SSE and Claude's InvokeModel stream on Bedrock, whose events are the same.
 */
export class AnthropicEventTap {
  readonly #summary: StreamSummary;
  readonly #provider: string;
  readonly #secrets: readonly string[];
  readonly #output: StreamedOutput;
  #usage: AnthropicUsage = {};
  #stopped = false;

  constructor(summary: StreamSummary, provider: string, secrets: readonly string[]) {
    this.#summary = summary;
    this.#output = (summary.output ??= newStreamedOutput());
    this.#provider = provider;
    this.#secrets = secrets;
  }

  /** Whether message_stop was seen: the answer is complete. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Notes one parsed event (message_*, error, and content_block_delta's text where the caller parses
   * those: Bedrock's); returns the error an `error` event stands for.
   */
  note(data: Record<string, any>): ProviderError | undefined {
    const summary = this.#summary;
    if (data.type === 'content_block_delta') {
      const delta = data.delta;
      countStreamedText(this.#output, delta?.text ?? delta?.thinking ?? delta?.partial_json);
      return undefined;
    }
    if (data.type === 'message_start') {
      this.#usage = { ...data.message?.usage };
      summary.model = data.message?.model;
      summary.id = data.message?.id;
    } else if (data.type === 'message_delta') {
      this.#usage = mergeAnthropicUsage(this.#usage, data.usage);
      const finishReason = mapAnthropicStopReason(data.delta?.stop_reason);
      if (finishReason !== null) summary.finishReasons = [finishReason];
    } else if (data.type === 'message_stop') {
      this.#stopped = true;
    } else if (data.type === 'error') {
      const type: string | undefined = data.error?.type;
      summary.usage = mapAnthropicUsage(this.#usage);
      return new ProviderError(`Provider "${this.#provider}" sent a stream error (${type}): ${redactSecrets(String(data.error?.message), this.#secrets)}`, {
        provider: this.#provider,
        upstreamStatus: statusOfAnthropicErrorType(type),
        ...(type === undefined ? {} : { upstreamCode: type }),
      });
    } else {
      return undefined;
    }
    summary.usage = mapAnthropicUsage(this.#usage);
    summary.serviceTier = anthropicServiceTier(this.#usage);
    return undefined;
  }

  /** The error of a stream that ended before message_stop. */
  truncated(): GatewayError {
    return new GatewayError('TOLLGATE_UPSTREAM_STREAM_TRUNCATED', `Provider "${this.#provider}" ended its stream before message_stop; the answer is incomplete.`);
  }
}
