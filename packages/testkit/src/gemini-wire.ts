/**
 * Builders of Gemini API (`generativelanguage.googleapis.com/v1beta`) wire objects, shaped as the API
 * reference documents them: `GenerateContentResponse`s, `usageMetadata`, SSE events and
 * `google.rpc.Status` error bodies.
 */

/** The HTTP status of each canonical error status the Gemini API answers with. */
export const geminiErrorStatus: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** An error body: `{"error":{"code","message","status","details"}}`. */
export function geminiError(status: string, message: string, details: readonly unknown[] = []) {
  return { error: { code: geminiErrorStatus[status] ?? 500, message, status, ...(details.length > 0 ? { details } : {}) } };
}

/**
 * Counts in Gemini's shape: `promptTokenCount` includes cached tokens; thoughts are apart from
 * candidates; an image the model made (`imageTokens`) counts among the candidates' tokens, and
 * `candidatesTokensDetails` tells them from text by modality.
 */
export function geminiUsage(prompt: number, candidates: number, cached = 0, thoughts = 0, imageTokens = 0) {
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates + imageTokens,
    totalTokenCount: prompt + candidates + imageTokens + thoughts,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    ...(imageTokens > 0 ? { candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: candidates }, { modality: 'IMAGE', tokenCount: imageTokens }] } : {}),
  };
}

/** Output tokens of an image a Gemini image model makes (Gemini 2.5 Flash Image: 1,290 for an image up to 1024×1024). */
export const geminiImageTokens = 1290;

/** A 1×1 PNG, base64: the image the mock's image models make. */
export const geminiMockImage = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The aspect ratios Imagen draws at. */
const imagenAspectRatios = ['1:1', '3:4', '4:3', '9:16', '16:9'];

/**
 * An Imagen model's answer to `:predict` (`imagen-4.0-generate-001`…): `sampleCount` images (1 to 4)
 * of the instance's prompt, each `{bytesBase64Encoded, mimeType}`; an `aspectRatio` it does not draw
 * at, a missing prompt or a sample count out of range is refused (`INVALID_ARGUMENT`).
 */
export function imagenAnswer(body: any): { readonly status: number; readonly body: unknown } {
  const prompt = body?.instances?.[0]?.prompt;
  if (typeof prompt !== 'string' || prompt === '') return { status: 400, body: geminiError('INVALID_ARGUMENT', 'The prompt is empty. Please provide a prompt.') };
  const count = body?.parameters?.sampleCount ?? 4;
  if (!Number.isInteger(count) || count < 1 || count > 4) return { status: 400, body: geminiError('INVALID_ARGUMENT', `Number of images must be in [1, 4], got ${String(count)}.`) };
  const ratio = body?.parameters?.aspectRatio;
  if (ratio !== undefined && !imagenAspectRatios.includes(ratio)) return { status: 400, body: geminiError('INVALID_ARGUMENT', `Unsupported aspect ratio: ${String(ratio)}.`) };
  return { status: 200, body: { predictions: Array.from({ length: count }, () => ({ bytesBase64Encoded: geminiMockImage, mimeType: 'image/png' })) } };
}

/** One SSE event of `streamGenerateContent?alt=sse`: a `data:` line ended by CRLF CRLF, as Google sends it. */
export function geminiEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}
