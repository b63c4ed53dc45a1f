/** One named check; run it from any test runner (`for (const check of checks) it(check.name, check.run)`). */
export interface ConformanceCheck {
  readonly name: string;
  run(): Promise<void>;
}

/**
 * Builds checks that each get a fresh fixture: `open` before the body, `dispose` after it, pass or fail.
 *
 * @example
 * const check = checkWithFixture(startUpstream, (upstream) => upstream.close());
 * return [check('answers', async (upstream) => { ... })];
 */
export function checkWithFixture<Fixture>(open: () => Promise<Fixture>, dispose: (fixture: Fixture) => Promise<void>) {
  return (name: string, body: (fixture: Fixture) => Promise<void>): ConformanceCheck => ({
    name,
    async run() {
      const fixture = await open();
      try {
        await body(fixture);
      } finally {
        await dispose(fixture);
      }
    },
  });
}
