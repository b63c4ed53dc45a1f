/** A conformance check that failed: which contract point, what was seen, and how to fix it. */
export class ConformanceFailure extends Error {
  constructor(point: string, seen: string, fix: string, contract = 'Provider') {
    super(`${contract} contract — ${point}\n  seen: ${seen}\n  fix:  ${fix}`);
    this.name = 'ConformanceFailure';
  }
}

/** Fails with a {@link ConformanceFailure} unless `condition` holds. */
export function expectContract(condition: boolean, point: string, seen: () => string, fix: string, contract?: string): asserts condition {
  if (!condition) throw new ConformanceFailure(point, seen(), fix, contract);
}
