import { setTimeout as sleep } from 'node:timers/promises';
import { JSDOM } from 'jsdom';

/**
 * The admin page as a browser gets it: its HTML and script from the gateway at `pageUrl`, its fetch
 * the gateway's; with `masterKey`, as a tab that signed in before (the key in its session storage).
 */
export async function openAdminPage(pageUrl: string, masterKey?: string): Promise<Window> {
  const html = await (await fetch(pageUrl)).text();
  const script = await (await fetch(new URL('app.js', pageUrl))).text();
  const dom = new JSDOM(html, { url: pageUrl, runScripts: 'outside-only' });
  const window = dom.window as unknown as Window & { eval(code: string): unknown };
  window.fetch = (input, init) => fetch(new URL(String(input), pageUrl), init);
  if (masterKey !== undefined) window.sessionStorage.setItem('tollgate.adminKey', masterKey);
  window.eval(script);
  return window;
}

/** Waits (at most 2 s) until the page has no call in flight and `ready` holds. */
export async function until(window: Window, ready: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (window.document.body.dataset.loading === undefined && ready()) return;
    await sleep(10);
  }
  throw new Error(`the page never got ready: ${window.document.body.textContent?.replace(/\s+/g, ' ').slice(0, 500)}`);
}

/** The text of each cell of each row of the table in `#id`. */
export const rowsOf = (window: Window, id: string) =>
  [...window.document.querySelectorAll(`#${id} tbody tr`)].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));

/** Fills a form's fields by name and submits it. */
export function submit(window: Window, formId: string, values: Record<string, string>): void {
  const form = window.document.getElementById(formId) as HTMLFormElement;
  for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
  form.requestSubmit();
}

/** Clicks the element `selector` finds. */
export function click(window: Window, selector: string): void {
  (window.document.querySelector(selector) as HTMLElement).click();
}
