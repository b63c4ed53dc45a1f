import type { Pricing, RouteTarget, TranscriptionRequest } from '@tollgate/core';
import type { WorstCasePrices } from './worst-case-prices.js';

/**
 * The most a transcription may cost, in micro-dollars, beyond its text prompt: the upload's seconds at
 * the dearest price per hour of audio (Whisper), and for a model billed by tokens its whole context
 * window at the dearest of its input, audio input and output prices (a transcription model's input
 * and output share its window: GPT-4o transcribe's 16,000 tokens). Undefined when it cannot be
 * bounded: an hourly price and an upload whose length the gateway could not read, or a token price and
 * no known window.
 */
export function transcriptionWorstCaseMicros(request: TranscriptionRequest, targets: readonly RouteTarget[], prices: WorstCasePrices, pricing: Pricing | undefined): number | undefined {
  let micros = 0;
  if (prices.audioHour > 0) {
    const seconds = request.file.durationSeconds;
    if (seconds === undefined) return undefined;
    micros += Math.ceil((seconds * prices.audioHour * 1_000_000) / 3_600);
  }
  const tokenPrice = Math.max(prices.input, prices.audioInput, prices.output);
  if (tokenPrice > 0) {
    let window: number | undefined;
    for (const target of targets) {
      const known = pricing?.contextWindow?.({ provider: target.provider.name, priceProvider: target.provider.priceProvider, model: target.model });
      if (known === undefined) return undefined;
      window = Math.max(window ?? 0, known);
    }
    if (window === undefined) return undefined;
    micros += Math.ceil(window * tokenPrice);
  }
  return micros;
}
