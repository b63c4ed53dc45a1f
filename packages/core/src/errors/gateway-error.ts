import { errorCatalog, type ErrorCode, type OpenAIErrorType } from './error-catalog.js';
import type { RefusingLevel } from './refusing-level.js';

const gatewayErrorMarker = Symbol.for('tollgate.gateway-error');

/** Options of a {@link GatewayError}; anything left out comes from the error catalog. */
export interface GatewayErrorOptions {
  /** The HTTP status to answer with, when it differs from the catalog's (an upstream's status). */
  readonly status?: number;
  /** The `code` sent on the wire; defaults to the catalog code lower-cased without its prefix. */
  readonly wireCode?: string;
  /** The request field the error is about (`messages`, `model`). */
  readonly param?: string;
  readonly retryable?: boolean;
  /**
   * Whether the next target of a group may answer (default: when retryable). True without
   * `retryable` for failures of one target only, such as a provider account out of credits (402).
   */
  readonly fallback?: boolean;
  /** Milliseconds the caller should wait before retrying, when known (from `retry-after`). */
  readonly retryAfterMs?: number;
  /** The budget or rate limit that refused the request: its level and owner. */
  readonly refusedBy?: RefusingLevel;
  readonly cause?: unknown;
}

/** The body Tollgate answers errors with: OpenAI's error shape. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: OpenAIErrorType;
    readonly code: string;
    readonly param: string | null;
  };
}

/**
 * The one error type that leaves the engine. It carries a permanent `code` from the catalog, the HTTP
 * `status`, OpenAI's error `type`, whether a retry can help, and the `cause`. Messages say what
 * happened, why, and what to do.
 *
 * @example
 * throw new GatewayError('TOLLGATE_MODEL_NOT_FOUND', 'Model "gpt-5" is not configured. Add it under `models`.', { param: 'model' });
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly retryable: boolean;
  /** The next target of a group may answer (retryable errors, and failures of one target only). */
  readonly fallback: boolean;
  readonly wireCode: string;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** The budget or rate limit that refused the request, when one did. */
  readonly refusedBy: RefusingLevel | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry = errorCatalog[code];
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? entry.status;
    this.type = entry.type;
    this.retryable = options.retryable ?? entry.retryable;
    this.fallback = options.fallback ?? this.retryable;
    this.wireCode = options.wireCode ?? code.slice('TOLLGATE_'.length).toLowerCase();
    this.param = options.param;
    this.retryAfterMs = options.retryAfterMs;
    this.refusedBy = options.refusedBy;
  }

  /** Identity that survives duplicate copies of this package (a plugin bundling its own core). */
  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[gatewayErrorMarker] === true;
  }

  /** The catalog's advice for this error's code. */
  get hint(): string {
    return errorCatalog[this.code].hint;
  }

  /** The error in OpenAI's wire shape. */
  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, code: this.wireCode, param: this.param ?? null } };
  }
}

Object.defineProperty(GatewayError.prototype, gatewayErrorMarker, { value: true });
