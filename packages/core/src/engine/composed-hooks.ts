import type { HookMap, HookPhase } from '../plugin/hook-map.js';

/** The hooks of every phase, composed once at startup and frozen: nothing is assembled per request. */
export type ComposedHooks = { readonly [P in HookPhase]: readonly HookMap[P][] };

/**
 * The plugin instances (their `api` objects: a plugin listed twice is two readers) whose hooks read
 * streamed answers (`transform.chunk`). When each of them leaves a request's answer unread
 * (`context.leaveAnswerUnread`), the stream passes through as the upstream's bytes. (A whole answer
 * always comes with its bytes, which go out unless a `transform.response` hook replaced it.)
 */
export interface AnswerReaders {
  readonly chunk: ReadonlySet<object>;
}

/** Freezes hook lists collected during plugin setup. */
export function composeHooks(collected: { [P in HookPhase]: HookMap[P][] }): ComposedHooks {
  const composed = {} as { [P in HookPhase]: readonly HookMap[P][] };
  for (const phase of Object.keys(collected) as HookPhase[]) {
    (composed as Record<HookPhase, readonly unknown[]>)[phase] = Object.freeze([...collected[phase]]);
  }
  return Object.freeze(composed);
}

/** Empty hook lists, one per phase, ready to collect registrations. */
export function createHookCollector(): { [P in HookPhase]: HookMap[P][] } {
  return {
    auth: [],
    route: [],
    'transform.request': [],
    'budget.reserve': [],
    'transform.response': [],
    'transform.chunk': [],
    'budget.settle': [],
    log: [],
  };
}
