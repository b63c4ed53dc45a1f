import { randomUUID } from 'node:crypto';
import type { ResponseStore, StoredResponse } from '@tollgate/core';
import { checkWithFixture, type ConformanceCheck } from './conformance-check.js';
import { expectContract } from './conformance-failure.js';

/** A response store for one check (it may be shared: every check uses fresh ids). */
export interface ResponseStoreUnderTest {
  readonly store: ResponseStore;
  dispose(): Promise<void>;
}

/** How to open the response store under test. */
export interface ResponseStoreConformanceOptions {
  readonly open: () => Promise<ResponseStoreUnderTest>;
}

function point(condition: boolean, what: string, seen: () => string, fix: string): asserts condition {
  expectContract(condition, what, seen, fix, 'ResponseStore');
}

/** A turn no other check (or run) uses. */
function turn(overrides: Partial<StoredResponse> = {}): StoredResponse {
  const id = `resp_${randomUUID().replaceAll('-', '')}`;
  return {
    id,
    ownerKeyId: 'key_conformance',
    previousResponseId: undefined,
    createdAt: Date.now(),
    input: [{ type: 'message', role: 'user', content: 'Ünïcode and "quotes" 🌍' }],
    output: [{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello.', annotations: [] }] }],
    response: { id, object: 'response', status: 'completed', output_text_length: 6, usage: { input_tokens: 12, output_tokens: 2 } },
    ...overrides,
  };
}

/**
 * The checks a `ResponseStore` must pass: a turn saved is loaded as saved (owner, previous turn, time,
 * items and response, text unaltered), a turn of the master key (no owner) too, an unknown id is
 * undefined, delete reports whether it removed one and the turn is gone after it, and saves of many
 * turns at once all land. Each failure names the contract point and the fix.
 *
 * @example
 * for (const check of responseStoreConformanceChecks({ open })) it(check.name, check.run);
 */
export function responseStoreConformanceChecks(options: ResponseStoreConformanceOptions): ConformanceCheck[] {
  const check = checkWithFixture(options.open, (subject) => subject.dispose());
  return [
    check('a saved turn loads as it was saved, with its owner, previous turn and items', async ({ store }) => {
      const first = turn();
      const second = turn({ previousResponseId: first.id, input: [{ type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' }] });
      await store.save(first);
      await store.save(second);
      const loaded = await store.load(second.id);
      point(loaded !== undefined, 'load(id) finds a turn save() kept', () => 'undefined', 'Key the turns by `id`, and resolve save() only once the turn is kept.');
      point(JSON.stringify(loaded) === JSON.stringify(second), 'load(id) answers the turn as it was saved, field for field', () => JSON.stringify(loaded), 'Keep `ownerKeyId`, `previousResponseId`, `createdAt`, `input`, `output` and `response` unaltered (JSON text round-trips).');
      const ownerless = turn({ ownerKeyId: undefined });
      await store.save(ownerless);
      point((await store.load(ownerless.id))?.ownerKeyId === undefined && (await store.load(ownerless.id))?.id === ownerless.id, 'a turn without an owner (the master key) loads without one', () => JSON.stringify(ownerless), 'Store a missing owner as NULL and load it back as undefined.');
    }),
    check('an unknown id loads as undefined, and delete() reports whether it removed a turn', async ({ store }) => {
      point((await store.load(`resp_${randomUUID()}`)) === undefined, 'load() of an unknown id is undefined', () => 'a turn', 'Answer undefined when no turn has the id.');
      const kept = turn();
      await store.save(kept);
      point((await store.delete(kept.id)) === true, 'delete() of a kept turn answers true', () => 'false', 'Answer whether a row was removed.');
      point((await store.load(kept.id)) === undefined, 'a deleted turn no longer loads', () => 'it still loads', 'Remove the row.');
      point((await store.delete(kept.id)) === false, 'delete() of an unknown id answers false', () => 'true', 'Answer whether a row was removed.');
    }),
    check('50 turns saved at once all load', async ({ store }) => {
      const turns = Array.from({ length: 50 }, () => turn());
      await Promise.all(turns.map((each) => store.save(each)));
      const loaded = await Promise.all(turns.map((each) => store.load(each.id)));
      point(loaded.every((each, index) => each?.id === turns[index]!.id), 'every turn of concurrent saves is kept', () => `${loaded.filter((each) => each === undefined).length} missing`, 'Do not drop saves made while others are in flight.');
    }),
  ];
}
