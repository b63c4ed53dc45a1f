import type { ModelPrices, Pricing, RouteTarget, TranscriptionRequest } from '@tollgate/core';

/**
 * The most a transcription may cost on any one of its targets, in micro-dollars, beyond its text
 * prompt: on a target billed by the hour of audio (Whisper), the upload's seconds at its price; on one
 * billed by tokens, its whole context window at the dearest of its input, audio input and output
 * prices (a transcription model's input and output share its window: GPT-4o transcribe's 16,000
 * tokens). Undefined when it cannot be bounded: an hourly price and an upload whose length the gateway
 * could not read, a token price and no known window, or a target without a price.
 */
export function transcriptionWorstCaseMicros(request: TranscriptionRequest, targets: readonly RouteTarget[], pricing: Pricing | undefined): number | undefined {
  let worst = 0;
  for (const target of targets) {
    const model = { provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model };
    const prices: ModelPrices | undefined = pricing?.prices(model) ?? target.price;
    if (prices === undefined) return undefined;
    let micros = 0;
    if ((prices.audioHour ?? 0) > 0) {
      const seconds = request.file.durationSeconds;
      if (seconds === undefined) return undefined;
      micros += Math.ceil((seconds * prices.audioHour! * 1_000_000) / 3_600);
    }
    const tokenPrice = Math.max(prices.input, prices.audioInput ?? 0, prices.output);
    if (tokenPrice > 0) {
      const window = pricing?.contextWindow?.(model);
      if (window === undefined) return undefined;
      micros += Math.ceil(window * tokenPrice);
    }
    worst = Math.max(worst, micros);
  }
  return worst;
}
