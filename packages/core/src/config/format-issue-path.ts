/** Formats a path as it reads in a config file: `providers.openai.apiKey`, `models.smart.targets[1]`. */
export function formatIssuePath(path: readonly PropertyKey[], prefix = ''): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const name = String(segment);
      const plain = /^[A-Za-z_$][\w$-]*$/.test(name);
      text += plain ? (text === '' ? name : `.${name}`) : `[${JSON.stringify(name)}]`;
    }
  }
  return text;
}
