// `node scripts/flame-graph.mjs <file.cpuprofile> [--out flame.svg] [--title "…"] [--requests N] [--from-ms N]`: a flame
// graph of a V8 CPU profile (`node --cpu-prof`, or `pnpm bench:cpu -- --cpu-prof`) as one standalone SVG,
// and where the busy time went by area — Tollgate's own code, each dependency, Node's internals, V8 and
// the system calls. Each frame's width is its share of the thread's busy time (idle left out); callers
// below, callees above; hover a frame for its time. Colours tell the areas apart: Tollgate (or another
// script's own code) orange, dependencies yellow, Node blue, native grey. `pnpm bench:cpu -- --cpu-prof` draws one per process.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Pixel sizes of the drawing. */
const width = 1200;
const frameHeight = 16;
const headerHeight = 36;
/** Frames narrower than this (pixels) are left out, with their callees. */
const narrowest = 1;

/** A dependency's file as its path inside `node_modules` (`pino/lib/tools.js`), or undefined for any other file. */
function inDependency(url) {
  const at = url.lastIndexOf('/node_modules/');
  return at === -1 ? undefined : url.slice(at + '/node_modules/'.length);
}

/** A file's place, as short as still tells it: a dependency's path inside its package, Tollgate's from the repository. */
export function shortLocation(url) {
  if (url === '') return '';
  const dependency = inDependency(url);
  if (dependency !== undefined) return dependency;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** The area a frame's time counts to: `tollgate <package>`, `dependency <name>`, `node`, `native`, or `code <file>` (a script outside packages/). */
export function areaOf(url) {
  if (url === '' || url.startsWith('wasm://')) return 'native';
  if (url.startsWith('node:')) return 'node';
  const dependency = inDependency(url);
  if (dependency === undefined) {
    const ownPackage = /\/packages\/(?:plugins\/)?([^/]+)\//.exec(url);
    return ownPackage === null ? `code ${basename(url)}` : `tollgate ${ownPackage[1]}`;
  }
  const [scopeOrName, name] = dependency.split('/');
  return `dependency ${scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName.replace(/@[^@]+$/, '')}`;
}

/**
 * The profile as a tree of frames with their busy milliseconds: `self` in the frame itself, `total` with
 * its callees. Calls of one function from one caller are merged; `(idle)` is left out. Each sample
 * counts the time until the next one. Samples taken before `from` are left out (start-up, a warm-up):
 * a time in microseconds on the profile's clock, which is `process.hrtime()`'s (monotonic, machine-wide).
 */
export function frameTree(profile, { from = 0 } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map();
  let sampledAt = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    sampledAt += profile.timeDeltas[index];
    if (sampledAt < from) continue;
    const id = profile.samples[index];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
  }
  const build = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const frame = { name: functionName || '(anonymous)', url, line: lineNumber + 1, self: selfMs.get(node.id) ?? 0, total: 0, children: new Map() };
    for (const childId of node.children ?? []) {
      const child = nodes.get(childId);
      if (child.callFrame.functionName === '(idle)') continue;
      const built = build(child);
      const key = `${built.name} ${built.url}:${built.line}`;
      const same = frame.children.get(key);
      if (same === undefined) frame.children.set(key, built);
      else mergeInto(same, built);
    }
    frame.total = frame.self + [...frame.children.values()].reduce((sum, child) => sum + child.total, 0);
    return frame;
  };
  const called = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const rootNode = profile.nodes.find((node) => !called.has(node.id));
  const tree = build(rootNode);
  tree.name = 'all busy time';
  return tree;
}

/** Adds a frame's times and callees into another frame of the same function under the same caller. */
function mergeInto(target, source) {
  target.self += source.self;
  target.total += source.total;
  for (const [key, child] of source.children) {
    const same = target.children.get(key);
    if (same === undefined) target.children.set(key, child);
    else mergeInto(same, child);
  }
}

/** Areas with less than this share of the busy time are counted together, as `others`. */
const smallestArea = 0.005;

/** Busy milliseconds by area (see {@link areaOf}), largest first; the small ones together last. */
export function busyByArea(tree) {
  const areas = new Map();
  const visit = (frame) => {
    if (frame.self > 0) {
      const area = areaOf(frame.url);
      areas.set(area, (areas.get(area) ?? 0) + frame.self);
    }
    for (const child of frame.children.values()) visit(child);
  };
  visit(tree);
  const large = [...areas].filter(([, ms]) => ms >= tree.total * smallestArea).sort((a, b) => b[1] - a[1]);
  const others = [...areas].filter(([, ms]) => ms < tree.total * smallestArea).reduce((sum, [, ms]) => sum + ms, 0);
  return others > 0 ? [...large, ['others', others]] : large;
}

const escapeXml = (text) => text.replace(/[<>&"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character]);

/** A stable shade for a name, so a function keeps its colour from one graph to the next. */
function shade(name) {
  let hash = 0;
  for (let index = 0; index < name.length; index += 1) hash = (hash * 31 + name.charCodeAt(index)) >>> 0;
  return hash % 20;
}

/** A frame's fill: its area's hue, its name's shade. */
function colour(frame) {
  const area = areaOf(frame.url);
  const offset = shade(frame.name);
  if (area.startsWith('tollgate') || area.startsWith('code')) return `hsl(${15 + offset / 2}, 85%, ${55 + offset / 2}%)`;
  if (area.startsWith('dependency')) return `hsl(${45 + offset / 2}, 80%, ${55 + offset / 2}%)`;
  if (area === 'node') return `hsl(${200 + offset}, 55%, ${65 + offset / 2}%)`;
  return `hsl(0, 0%, ${62 + offset}%)`;
}

/** The flame graph of a profile's tree (see {@link frameTree}) as a standalone SVG document. */
export function flameGraphSvg(tree, title) {
  const scale = width / Math.max(tree.total, Number.EPSILON);
  const rectangles = [];
  let depth = 0;
  const place = (frame, x, level) => {
    const frameWidth = frame.total * scale;
    if (frameWidth < narrowest) return;
    depth = Math.max(depth, level);
    rectangles.push({ frame, x, level, frameWidth });
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      place(child, childX, level + 1);
      childX += child.total * scale;
    }
  };
  place(tree, 0, 0);
  const height = headerHeight + (depth + 1) * frameHeight + 4;
  const body = rectangles.map(({ frame, x, level, frameWidth }) => {
    const y = height - (level + 1) * frameHeight - 2;
    const location = shortLocation(frame.url);
    const share = ((100 * frame.total) / tree.total).toFixed(2);
    const tooltip = `${frame.name}${location === '' ? '' : ` ${location}:${frame.line}`} — ${frame.total.toFixed(1)} ms, ${share} % (self ${frame.self.toFixed(1)} ms)`;
    const characters = Math.floor((frameWidth - 6) / 6.5);
    const label = characters < 3 ? '' : frame.name.length <= characters ? frame.name : `${frame.name.slice(0, characters - 1)}…`;
    return `<g><title>${escapeXml(tooltip)}</title><rect x="${x.toFixed(2)}" y="${y}" width="${frameWidth.toFixed(2)}" height="${frameHeight - 1}" fill="${colour(frame)}"/>${label === '' ? '' : `<text x="${(x + 3).toFixed(2)}" y="${y + 11.5}">${escapeXml(label)}</text>`}</g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Verdana, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fdfdf8"/>`,
    `<text x="${width / 2}" y="16" font-size="14" text-anchor="middle">${escapeXml(title)}</text>`,
    `<text x="${width / 2}" y="30" fill="#555" text-anchor="middle">${tree.total.toFixed(0)} ms busy; orange Tollgate (or the script's own code), yellow dependencies, blue Node, grey V8 and system calls; hover a frame for its time</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * The busy-time-by-area table of one or more profiles, side by side, as markdown: µs per request when
 * every column gives its `requests`, else milliseconds.
 */
export function areasTable(columns) {
  const perRequest = columns.every((column) => column.requests !== undefined);
  const format = (ms, requests) => (perRequest ? `${((ms * 1000) / requests).toFixed(1)} µs` : `${ms.toFixed(0)} ms`);
  const areas = new Map();
  for (const { name, tree, requests } of columns) {
    for (const [area, ms] of busyByArea(tree)) {
      if (!areas.has(area)) areas.set(area, {});
      areas.get(area)[name] = format(ms, requests);
    }
  }
  const lines = [`| ${perRequest ? 'busy µs per request' : 'busy ms'}, by area | ${columns.map((column) => column.name).join(' | ')} |`, `|---|${columns.map(() => '--:|').join('')}`];
  for (const [area, cells] of areas) lines.push(`| ${area} | ${columns.map((column) => cells[column.name] ?? '–').join(' | ')} |`);
  lines.push(`| **all** | ${columns.map(({ tree, requests }) => format(tree.total, requests)).join(' | ')} |`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, title: { type: 'string' }, requests: { type: 'string' }, 'from-ms': { type: 'string', default: '0' } } });
  if (positionals.length !== 1) {
    console.error('usage: node scripts/flame-graph.mjs <file.cpuprofile> [--out flame.svg] [--title "…"] [--requests N] [--from-ms N]');
    process.exit(2);
  }
  const file = positionals[0];
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const tree = frameTree(profile, { from: profile.startTime + Number(values['from-ms']) * 1000 });
  const out = values.out ?? file.replace(/\.cpuprofile$/, '') + '.svg';
  writeFileSync(out, flameGraphSvg(tree, values.title ?? basename(file)));
  console.log(areasTable([{ name: basename(file), tree, requests: values.requests === undefined ? undefined : Number(values.requests) }]));
  console.log(`\nflame graph: ${out}`);
}
