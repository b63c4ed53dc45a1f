import { GatewayError } from './gateway-error.js';

/** What a provider plugin knows about an upstream's error answer. */
export interface ProviderErrorOptions {
  /** The provider instance name from the config. */
  readonly provider: string;
  /** The upstream's HTTP status. */
  readonly upstreamStatus: number;
  /** The upstream's own error code or type (`context_length_exceeded`, `overloaded_error`). */
  readonly upstreamCode?: string;
  /** The upstream's body, with secrets removed. */
  readonly redactedBody?: string;
  readonly param?: string;
  readonly retryAfterMs?: number;
  /**
   * The largest output limit (`max_tokens`) the upstream said it would take, when it refused the
   * request's as too large: the model's most output tokens, or what its context window leaves past the
   * prompt. The engine retries once with it.
   */
  readonly outputLimit?: number;
  /** The status to answer the client with, when the default rule does not fit (a moderation 403). */
  readonly clientStatus?: number;
  readonly cause?: unknown;
}

/**
 * Upstream statuses worth retrying (on the same target after backoff, or on the next one). Every
 * other status — 400, 401, 403, 404, 413, 422 — is never retried: the same request would fail again.
 */
export const retryableUpstreamStatuses: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/**
 * An upstream answered with an error. The client sees the upstream's status where it means something to
 * the client (400, 404, 413, 422, 429, 5xx); a 401/403 about the provider's own credentials becomes
 * 502, because the client's key was fine. The upstream's code is kept on the wire so clients can tell
 * `context_length_exceeded` apart.
 */
export class ProviderError extends GatewayError {
  readonly provider: string;
  readonly upstreamStatus: number;
  readonly upstreamCode: string | undefined;
  readonly redactedBody: string | undefined;
  /** See {@link ProviderErrorOptions.outputLimit}. */
  readonly outputLimit: number | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    const status = options.clientStatus ?? (options.upstreamStatus === 401 || options.upstreamStatus === 403 ? 502 : options.upstreamStatus);
    super('TOLLGATE_PROVIDER_ERROR', message, {
      status: status >= 400 && status <= 599 ? status : 502,
      wireCode: options.upstreamCode ?? 'provider_error',
      retryable: retryableUpstreamStatuses.has(options.upstreamStatus),
      // 402: this provider account is out of credits; another target may well answer.
      fallback: retryableUpstreamStatuses.has(options.upstreamStatus) || options.upstreamStatus === 402,
      ...(options.param === undefined ? {} : { param: options.param }),
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      cause: options.cause,
    });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamCode = options.upstreamCode;
    this.redactedBody = options.redactedBody;
    this.outputLimit = options.outputLimit;
  }
}
