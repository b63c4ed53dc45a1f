import { GatewayError } from '@tollgate/core';

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/**
 * The aspect ratio an OpenAI images `size` reduces to (`1536x1024` → `3:2`), for an upstream that takes
 * ratios rather than sizes; undefined for none, `auto`, or a size that is not `<width>x<height>`.
 */
export function aspectRatioOfSize(size: string | undefined): string | undefined {
  const match = /^(\d+)x(\d+)$/.exec(size ?? '');
  if (match === null) return undefined;
  const divisor = greatestCommonDivisor(Number(match[1]), Number(match[2]));
  return divisor === 0 ? undefined : `${Number(match[1]) / divisor}:${Number(match[2]) / divisor}`;
}

/**
 * The aspect ratio of `size` for a model that draws only at the `allowed` ones: undefined for none or
 * `auto` (the model's own choice); 400 (`param: size`) for a ratio it does not draw at, or a size that
 * is not `<width>x<height>`.
 */
export function allowedAspectRatio(size: string | undefined, allowed: ReadonlySet<string>, model: string): string | undefined {
  if (size === undefined || size === 'auto') return undefined;
  const ratio = aspectRatioOfSize(size);
  if (ratio === undefined || !allowed.has(ratio)) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Size "${size}" cannot be drawn by ${model}: it draws at aspect ratios ${[...allowed].join(', ')} (1024x1024, 1536x1024 and 1024x1536 are 1:1, 3:2 and 2:3).`, { param: 'size' });
  }
  return ratio;
}
