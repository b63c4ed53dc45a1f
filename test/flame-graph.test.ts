import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript script
import { areaOf, areasTable, busyByArea, flameGraphSvg, frameTree } from '../scripts/flame-graph.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const engine = pathToFileURL(`${root}/packages/core/dist/engine/engine.js`).href;
const pino = pathToFileURL(`${root}/node_modules/.pnpm/pino@10.4.0/node_modules/pino/lib/tools.js`).href;
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });

/**
 * A V8 CPU profile (`node --cpu-prof`): a call tree, which node each sample hit and the microseconds
 * before each sample. `handle` is reached by two tree nodes that are the same frame under the same caller.
 */
const profile = {
  startTime: 1_000_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 7] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('handle', engine, 9), children: [5] },
    { id: 4, callFrame: frame('handle', engine, 9), children: [6] },
    { id: 5, callFrame: frame('asJson', pino, 121) },
    { id: 6, callFrame: frame('writev') },
    { id: 7, callFrame: frame('emit', 'node:events', 487) },
  ],
  // Each sample counts the time until the next one: 1 ms apart, the last one counts nothing.
  samples: [2, 3, 5, 5, 4, 6, 6, 6, 7, 2, 2],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

it('sums busy time per frame, idle left out, one function called from one caller merged', () => {
  const tree = frameTree(profile);
  expect(tree.total).toBe(8); // 11 samples 1 ms apart: three idle (the last counting nothing)
  const handle = [...tree.children.values()].filter((child) => child.name === 'handle');
  expect(handle).toHaveLength(1);
  expect(handle[0]).toMatchObject({ self: 2, total: 7, line: 10 });
  expect([...handle[0].children.values()].map((child) => [child.name, child.total])).toEqual([['asJson', 2], ['writev', 3]]);
});

it('leaves out the samples taken before a given time (start-up, a warm-up)', () => {
  // Samples at 1,000 + 1, 2, … ms: from 1,005.5 ms keeps the last five, the last counting nothing.
  const tree = frameTree(profile, { from: profile.startTime + 5_500 });
  expect(tree.total).toBe(3);
  expect(busyByArea(tree)).toEqual([['native', 2], ['node', 1]]);
});

it('puts the time in areas: Tollgate by package, dependencies by name, Node, native', () => {
  expect(areaOf(engine)).toBe('tollgate core');
  expect(areaOf(pathToFileURL(`${root}/packages/plugins/ledger-sqlite/dist/sqlite-ledger.js`).href)).toBe('tollgate ledger-sqlite');
  expect(areaOf(pino)).toBe('dependency pino');
  expect(areaOf('file:///srv/app/node_modules/@opentelemetry/api/build/index.js')).toBe('dependency @opentelemetry/api');
  expect(areaOf('node:events')).toBe('node');
  expect(areaOf('')).toBe('native');
  expect(areaOf('file:///srv/bench/baseline-proxy.mjs')).toBe('code baseline-proxy.mjs');
  const table = areasTable([{ name: 'tollgate', tree: frameTree(profile), requests: 1000 }]);
  expect(table).toContain('| busy µs per request, by area | tollgate |');
  expect(table).toContain('| native | 3.0 µs |');
  expect(table).toContain('| tollgate core | 2.0 µs |');
  expect(table).toContain('| dependency pino | 2.0 µs |');
  expect(table).toContain('| **all** | 8.0 µs |');
});

it('draws each frame as a rectangle as wide as its share, callers below, with its time on hover', () => {
  const svg = flameGraphSvg(frameTree(profile), 'a profile');
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1200"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).toContain('<title>handle packages/core/dist/engine/engine.js:10 — 7.0 ms, 87.50 % (self 2.0 ms)</title>');
  expect(svg).toContain('<title>asJson pino/lib/tools.js:122 — 2.0 ms, 25.00 % (self 2.0 ms)</title>');
  const rectangle = (name: string) => {
    const match = new RegExp(`<title>${name} [^<]*</title><rect x="([\\d.]+)" y="(\\d+)" width="([\\d.]+)"`).exec(svg);
    return match === null ? undefined : { x: Number(match[1]), y: Number(match[2]), width: Number(match[3]) };
  };
  const handle = rectangle('handle')!;
  const asJson = rectangle('asJson')!;
  expect(handle.width).toBeCloseTo((1200 * 7) / 8, 1);
  expect(asJson.y).toBeLessThan(handle.y); // a callee above its caller
  expect(asJson.x).toBeGreaterThanOrEqual(handle.x);
});
