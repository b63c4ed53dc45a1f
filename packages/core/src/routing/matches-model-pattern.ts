/** True when `model` equals `pattern`, or `pattern` ends in `*` and `model` starts with what precedes it. */
export function matchesModelPattern(model: string, pattern: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : model === pattern;
}
