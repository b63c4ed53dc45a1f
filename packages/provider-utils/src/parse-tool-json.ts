import { GatewayError } from '@tollgate/core';

/**
 * An assistant tool call's `arguments` parsed from its JSON string (empty means `{}`); anything that is
 * not JSON is a 400 naming `path`, the field in the client's request.
 */
export function parseToolArguments(text: string, path: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Tool call arguments must be a JSON string; ${path} is not JSON.`, { param: path });
  }
}

/** `text` as a JSON object, or undefined when it is not one (a tool result that is plain text). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
