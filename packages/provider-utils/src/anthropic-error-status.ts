/** The HTTP status of an Anthropic error type seen in a stream `error` event (Anthropic's API and Claude on Bedrock alike). */
export function statusOfAnthropicErrorType(type: string | undefined): number {
  switch (type) {
    case 'overloaded_error':
      return 529;
    case 'rate_limit_error':
      return 429;
    case 'invalid_request_error':
      return 400;
    case 'timeout_error':
      return 504;
    default:
      return 500;
  }
}
