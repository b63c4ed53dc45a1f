import { GatewayError } from '@tollgate/core';

/** What a provider knows about a failed upstream call, to name the failure. */
export interface TransportFailureContext {
  /** The provider instance name. */
  readonly provider: string;
  /** The upstream origin (`https://api.openai.com`), for the message. */
  readonly origin: string;
  /** True when the call's total timeout (not the client) ended it. */
  timedOut(): boolean;
  /** The client's abort signal. */
  readonly clientSignal: AbortSignal;
}

function errorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (typeof direct === 'string') return direct;
  const nested = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof nested === 'string' ? nested : undefined;
}

/**
 * Turns a transport failure (an undici error, a socket error, an abort) into a {@link GatewayError}
 * with one code per kind — connect, first byte, idle and total timeouts, unreachable, client gone — so
 * retries and logs can tell them apart. Recognizes undici's `UND_ERR_*` codes by name.
 */
export function toTransportError(error: unknown, failure: TransportFailureContext): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const where = `provider "${failure.provider}" (${failure.origin})`;
  if (failure.clientSignal.aborted) return new GatewayError('TOLLGATE_CLIENT_CLOSED_REQUEST', 'The client closed the connection; the upstream request was aborted.', { cause: error });
  if (failure.timedOut()) return new GatewayError('TOLLGATE_UPSTREAM_TOTAL_TIMEOUT', `The answer from ${where} took longer than its total timeout.`, { cause: error });
  const code = errorCode(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError('TOLLGATE_UPSTREAM_CONNECT_TIMEOUT', `Could not connect to ${where} within its connect timeout.`, { cause: error });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError('TOLLGATE_UPSTREAM_FIRST_BYTE_TIMEOUT', `${where} did not start answering within its first-byte timeout.`, { cause: error });
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError('TOLLGATE_UPSTREAM_IDLE_TIMEOUT', `${where} stopped sending in the middle of its answer (idle timeout).`, { cause: error });
    default:
      return new GatewayError('TOLLGATE_UPSTREAM_UNREACHABLE', `Could not reach ${where}: ${code ?? (error instanceof Error ? error.message : String(error))}.`, { cause: error });
  }
}
