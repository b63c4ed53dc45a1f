/** A file to send in a form: the field it goes in, its name, media type and bytes. */
export interface FormUpload {
  readonly field: string;
  readonly name: string;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** Appends a field as OpenAI's SDKs encode it: a list as the same field repeated, an object's keys bracketed (`svg[model]`). */
function appendField(form: FormData, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) for (const item of value) appendField(form, name, item);
  else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) appendField(form, `${name}[${key}]`, item);
  else form.append(name, String(value));
}

/**
 * A request read from a client's form, as a form again for the upstream: `model` (the routed one), every
 * other field as the client sent it, less the gateway's own (`gatewayFields`), and the `uploads` in
 * order, each with its name and media type.
 */
export function requestForm(request: Readonly<Record<string, unknown>>, model: string, gatewayFields: readonly string[], uploads: readonly FormUpload[]): FormData {
  const form = new FormData();
  form.append('model', model);
  for (const [name, value] of Object.entries(request)) {
    if (name === 'model' || gatewayFields.includes(name)) continue;
    appendField(form, name, value);
  }
  for (const upload of uploads) form.append(upload.field, new Blob([upload.bytes as Uint8Array<ArrayBuffer>], { type: upload.type }), upload.name);
  return form;
}
