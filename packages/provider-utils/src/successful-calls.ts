import { mapAtMost } from './map-at-most.js';

/**
 * Makes `count` calls, at most `limit` at a time, and answers those that succeeded, in order: for a
 * request an upstream answers one call per item (an image a call), where a call that succeeded was
 * paid for and must be kept — and charged — when another fails. The first failure is thrown only
 * when every call failed.
 */
export async function successfulCalls<R>(count: number, limit: number, call: () => Promise<R>): Promise<R[]> {
  const outcomes = await mapAtMost(Array.from({ length: count }, (_, index) => index), limit, (): Promise<{ value: R } | { error: unknown }> =>
    call().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
  );
  const succeeded = outcomes.filter((outcome): outcome is { value: R } => 'value' in outcome).map((outcome) => outcome.value);
  if (succeeded.length === 0) throw (outcomes[0] as { error: unknown }).error;
  return succeeded;
}
