import { GatewayError } from './gateway-error.js';

/**
 * Turns anything thrown into a {@link GatewayError}. Unknown errors become `TOLLGATE_INTERNAL` with a
 * message that reveals nothing of the original (which stays in `cause`, for the log).
 */
export function toGatewayError(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  return new GatewayError('TOLLGATE_INTERNAL', 'The gateway failed while handling this request. The gateway log has the details under its request id.', { cause: error });
}
