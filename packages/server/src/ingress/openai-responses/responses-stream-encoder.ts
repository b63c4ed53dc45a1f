import { upstreamFormats, type ChatCompletionChunk, type FinishReason, type GatewayError, type ReasoningDetail, type UpstreamItem, type Usage } from '@tollgate/core';
import { responsesErrorEvent } from './responses-error-event.js';
import {
  completionOf,
  customToolNames,
  messageItem,
  outputTextPart,
  reasoningPart,
  responseIds,
  responseObject,
  toolCallItem,
  toResponsesUsage,
  wantsReasoningSummary,
  type ResponseIds,
  type ResponseOutputItem,
  type ResponsesRequestBody,
} from './to-responses-response.js';

/** A message item still receiving text. */
interface OpenText {
  readonly kind: 'message';
  readonly outputIndex: number;
  readonly id: string;
  text: string;
}

/** A reasoning item still receiving its parts: summary parts, text parts, its encrypted content. */
interface OpenReasoning {
  readonly kind: 'reasoning';
  readonly outputIndex: number;
  readonly id: string;
  readonly summary: string[];
  readonly content: string[];
  /** Whether the item has a `content` list even while empty (reasoning text announced as such). */
  readonly hasContent: boolean;
  encrypted: string | undefined;
  /** The part receiving text: a summary part or a text part, with the key its pieces come under. */
  part: { readonly kind: 'summary' | 'text'; readonly key: number } | undefined;
}

/** A tool call still receiving its arguments. */
interface OpenTool {
  readonly outputIndex: number;
  readonly id: string;
  readonly callId: string;
  readonly name: string;
  readonly custom: boolean;
  args: string;
}

/**
 * Turns chat completion chunks into the Responses API's stream events, as OpenAI's SDKs and Codex
 * read them: `response.created` and `response.in_progress`; per output item `output_item.added`,
 * its deltas (`output_text`, `reasoning_summary_text` or `reasoning_text`, `function_call_arguments`;
 * a custom tool's input at once, when its call is complete) and `output_item.done`; then `response.completed` (or
 * `response.incomplete` when the model hit its token limit) with the whole response and usage. Every
 * event carries the next `sequence_number`. One encoder per stream.
 */
export class ResponsesStreamEncoder {
  readonly #body: ResponsesRequestBody;
  readonly #kept: { readonly keptId: string } | undefined;
  readonly #customTools: ReadonlySet<string>;
  /** Reasoning goes out as the reasoning item's summary (the client asked for one), else as its content. */
  readonly #reasoningAsSummary: boolean;
  #sequence = 0;
  #ids: ResponseIds | undefined;
  #createdAt = 0;
  #model = '';
  readonly #output: ResponseOutputItem[] = [];
  /** The open text or reasoning item, and the open tool calls by their index in the chat stream. */
  #open: OpenText | OpenReasoning | undefined;
  readonly #openTools = new Map<number, OpenTool>();
  #finishReason: FinishReason | null = null;
  #usage: Usage | undefined;
  #serviceTier: string | undefined;
  readonly #counts = { msg: 0, rs: 0, tool: 0 };

  /** The response `response.completed` (or `response.incomplete`) carried, once the stream finished. */
  finished: Record<string, unknown> | undefined;

  /** `kept`: the gateway keeps the response (its `store`), under ids made from `keptId`. */
  constructor(body: ResponsesRequestBody, kept?: { readonly keptId: string }) {
    this.#body = body;
    this.#kept = kept;
    this.#customTools = customToolNames(body);
    this.#reasoningAsSummary = wantsReasoningSummary(body);
  }

  /** The events for one chunk (possibly none). */
  encode(chunk: ChatCompletionChunk): string {
    let out = '';
    if (this.#ids === undefined) out += this.#start(chunk.id, chunk.created, chunk.model);
    if (chunk.usage != null) this.#usage = chunk.usage;
    if (typeof chunk.service_tier === 'string') this.#serviceTier = chunk.service_tier;
    const choice = chunk.choices[0];
    if (choice === undefined) return out;
    const delta = choice.delta;
    const openAIReasoning = delta.reasoning_details?.filter((piece) => piece.format === upstreamFormats.openaiResponses) ?? [];
    if (openAIReasoning.length > 0) out += this.#upstreamReasoning(openAIReasoning);
    else if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') out += this.#reasoningText(undefined, this.#reasoningAsSummary ? 'summary' : 'text', 0, delta.reasoning_content);
    if (delta.upstream_items !== undefined) out += this.#upstreamItems(delta.upstream_items);
    if (typeof delta.content === 'string' && delta.content !== '') out += this.#text(delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') out += this.#refusal(delta.refusal);
    for (const call of delta.tool_calls ?? []) {
      let item = this.#openTools.get(call.index);
      if (item === undefined) {
        out += this.#closeOpen();
        item = this.#openTool(call.index, call.id, call.function?.name ?? '');
        out += this.#event('response.output_item.added', { output_index: item.outputIndex, item: this.#toolItem(item, 'in_progress') });
      }
      const fragment = call.function?.arguments;
      if (fragment !== undefined && fragment !== '') {
        item.args += fragment;
        if (!item.custom) out += this.#event('response.function_call_arguments.delta', { item_id: item.id, output_index: item.outputIndex, delta: fragment });
      }
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      this.#finishReason = choice.finish_reason;
      out += this.#closeAll();
    }
    return out;
  }

  /** The closing events once the upstream stream ended: `response.completed`, or `response.incomplete`. */
  finish(): string {
    // An answer with no text and no tool call still has its (empty) message, as a whole answer does.
    const empty = this.#output.length === 0 ? this.#openText() : '';
    const closed = empty + this.#closeAll();
    const { status, incompleteDetails } = completionOf(this.#finishReason);
    this.finished = this.#response(status, incompleteDetails);
    return closed + this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: this.finished });
  }

  /**
   * The events that end a stream the upstream broke off: an `error` event (which OpenAI's SDKs raise
   * as an `APIError`), then `response.failed` with the error, for clients that follow the lifecycle.
   */
  fail(error: GatewayError): string {
    const { message, code } = error.toJSON().error;
    const started = this.#ids === undefined ? this.#start('failed', Math.floor(Date.now() / 1000), String(this.#body.model ?? '')) : '';
    // Items still open are left out: they never completed.
    const output = this.#output.filter((item) => item.type !== undefined);
    const failed = { ...this.#response('failed', null), output, error: { code, message } };
    const errorEvent = responsesErrorEvent(error, this.#sequence);
    this.#sequence += 1;
    return started + errorEvent + this.#event('response.failed', { response: failed });
  }

  /** `response.created` and `response.in_progress`, once the first chunk tells the answer's id and model. */
  #start(upstreamId: string, createdAt: number, model: string): string {
    this.#ids = responseIds(this.#kept?.keptId ?? upstreamId);
    this.#createdAt = createdAt;
    this.#model = model;
    const response = this.#response('in_progress', null);
    return this.#event('response.created', { response }) + this.#event('response.in_progress', { response });
  }

  #event(type: string, data: Record<string, unknown>): string {
    const payload = JSON.stringify({ type, ...data, sequence_number: this.#sequence });
    this.#sequence += 1;
    return `event: ${type}\ndata: ${payload}\n\n`;
  }

  #response(status: string, incompleteDetails: unknown): Record<string, unknown> {
    return responseObject(this.#body, { id: this.#ids!.response, createdAt: this.#createdAt, model: this.#model, status, output: this.#output, usage: status === 'in_progress' ? null : toResponsesUsage(this.#usage), incompleteDetails, serviceTier: this.#serviceTier, kept: this.#kept !== undefined });
  }

  /** A text delta of the message, opening its item (and closing any other) first. */
  #text(text: string): string {
    const out = this.#open?.kind === 'message' ? '' : this.#openText();
    const open = this.#open as OpenText;
    open.text += text;
    return out + this.#event('response.output_text.delta', { ...this.#messageLocation(open), delta: text, logprobs: [] });
  }

  /** Opens a message item with its one (empty) text part, closing any other first. */
  #openText(): string {
    const closed = this.#closeOpen();
    const id = this.#ids!.item('msg', this.#counts.msg++);
    const open: OpenText = { kind: 'message', outputIndex: this.#output.length, id, text: '' };
    this.#output.push({});
    this.#open = open;
    const added = this.#event('response.output_item.added', { output_index: open.outputIndex, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
    return closed + added + this.#event('response.content_part.added', { ...this.#messageLocation(open), part: outputTextPart('') });
  }

  /** Where a message's one text part is. */
  #messageLocation(open: OpenText): Record<string, unknown> {
    return { item_id: open.id, output_index: open.outputIndex, content_index: 0 };
  }

  /**
   * The pieces of the upstream's own reasoning items (`reasoning_details` of format
   * `openai-responses-v1`): each item under its upstream id, each summary or text part as it came,
   * its encrypted content on the item — so the client can send the item back on its next turn.
   */
  #upstreamReasoning(pieces: readonly ReasoningDetail[]): string {
    let out = '';
    for (const piece of pieces) {
      const key = piece.index ?? 0;
      const id = piece.id ?? undefined;
      if (piece.type === 'reasoning.summary') out += this.#reasoningText(id, 'summary', key, piece.summary);
      else if (piece.type === 'reasoning.text') out += this.#reasoningText(id, 'text', key, piece.text ?? '');
      else {
        if (!this.#isOpenReasoning(id)) out += this.#openReasoning(id, false);
        (this.#open as OpenReasoning).encrypted = piece.data;
      }
    }
    return out;
  }

  /** OpenAI's items with no canonical field (a built-in tool's `web_search_call`), each whole, in its place. */
  #upstreamItems(items: readonly UpstreamItem[]): string {
    let out = '';
    for (const { format, item } of items) {
      if (format !== upstreamFormats.openaiResponses) continue;
      out += this.#closeOpen();
      const outputIndex = this.#output.length;
      this.#output.push(item);
      out += this.#event('response.output_item.added', { output_index: outputIndex, item }) + this.#event('response.output_item.done', { output_index: outputIndex, item });
    }
    return out;
  }

  /** Whether the open item is a reasoning item, and the one with this id when one is given. */
  #isOpenReasoning(id: string | undefined): boolean {
    return this.#open?.kind === 'reasoning' && (id === undefined || this.#open.id === id);
  }

  /** A delta of a reasoning item's summary or text part, opening the item and the part first when they are new. */
  #reasoningText(id: string | undefined, kind: 'summary' | 'text', key: number, text: string): string {
    let out = this.#isOpenReasoning(id) ? '' : this.#openReasoning(id, kind === 'text' && id === undefined);
    const open = this.#open as OpenReasoning;
    if (open.part?.kind !== kind || open.part.key !== key) out += this.#closePart(open) + this.#openPart(open, kind, key);
    const parts = kind === 'summary' ? open.summary : open.content;
    parts[parts.length - 1] += text;
    const type = kind === 'summary' ? 'response.reasoning_summary_text.delta' : 'response.reasoning_text.delta';
    return out + this.#event(type, { ...this.#partLocation(open), delta: text });
  }

  /** Opens a reasoning item (the upstream's id, else one of the answer's own), closing any other first. */
  #openReasoning(upstreamId: string | undefined, hasContent: boolean): string {
    const closed = this.#closeOpen();
    const id = upstreamId ?? this.#ids!.item('rs', this.#counts.rs++);
    const open: OpenReasoning = { kind: 'reasoning', outputIndex: this.#output.length, id, summary: [], content: [], hasContent, encrypted: undefined, part: undefined };
    this.#output.push({});
    this.#open = open;
    return closed + this.#event('response.output_item.added', { output_index: open.outputIndex, item: { id, type: 'reasoning', summary: [], ...(hasContent ? { content: [] } : {}) } });
  }

  /** Opens the next summary or text part of a reasoning item. */
  #openPart(open: OpenReasoning, kind: 'summary' | 'text', key: number): string {
    const parts = kind === 'summary' ? open.summary : open.content;
    parts.push('');
    open.part = { kind, key };
    const type = kind === 'summary' ? 'response.reasoning_summary_part.added' : 'response.content_part.added';
    return this.#event(type, { ...this.#partLocation(open), part: reasoningPart(kind, '') });
  }

  /** Closes a reasoning item's open part with its whole text. */
  #closePart(open: OpenReasoning): string {
    const part = open.part;
    if (part === undefined) return '';
    const location = this.#partLocation(open);
    open.part = undefined;
    const text = (part.kind === 'summary' ? open.summary : open.content).at(-1)!;
    const [textDone, partDone] = part.kind === 'summary' ? ['response.reasoning_summary_text.done', 'response.reasoning_summary_part.done'] : ['response.reasoning_text.done', 'response.content_part.done'];
    return this.#event(textDone, { ...location, text }) + this.#event(partDone, { ...location, part: reasoningPart(part.kind, text) });
  }

  /** Where a reasoning item's open part is: its summary index or its content index. */
  #partLocation(open: OpenReasoning): Record<string, unknown> {
    const index = open.part?.kind === 'summary' ? { summary_index: open.summary.length - 1 } : { content_index: open.content.length - 1 };
    return { item_id: open.id, output_index: open.outputIndex, ...index };
  }

  /** A refusal: its own message item, whole (chat models send refusals in one piece or a few). */
  #refusal(refusal: string): string {
    let out = this.#closeOpen();
    const id = this.#ids!.item('msg', this.#counts.msg++);
    const outputIndex = this.#output.length;
    const part = { type: 'refusal', refusal };
    this.#output.push(messageItem(id, part, 'completed'));
    out += this.#event('response.output_item.added', { output_index: outputIndex, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
    out += this.#event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'refusal', refusal: '' } });
    out += this.#event('response.refusal.delta', { item_id: id, output_index: outputIndex, content_index: 0, delta: refusal });
    out += this.#event('response.refusal.done', { item_id: id, output_index: outputIndex, content_index: 0, refusal });
    out += this.#event('response.content_part.done', { item_id: id, output_index: outputIndex, content_index: 0, part });
    return out + this.#event('response.output_item.done', { output_index: outputIndex, item: this.#output[outputIndex] });
  }

  #openTool(callIndex: number, callId: string | undefined, name: string): OpenTool {
    const custom = this.#customTools.has(name);
    const index = this.#counts.tool++;
    const item: OpenTool = { outputIndex: this.#output.length, id: this.#ids!.item(custom ? 'ctc' : 'fc', index), callId: callId ?? `call_${index}`, name, custom, args: '' };
    this.#output.push({});
    this.#openTools.set(callIndex, item);
    return item;
  }

  #toolItem(item: OpenTool, status: string): ResponseOutputItem {
    const whole = toolCallItem(item.id, { id: item.callId, name: item.name, arguments: item.args }, item.custom, status);
    return status === 'in_progress' && item.custom ? { ...whole, input: '' } : whole;
  }

  /** Closes the open message or reasoning item. */
  #closeOpen(): string {
    const open = this.#open;
    if (open === undefined) return '';
    this.#open = undefined;
    if (open.kind === 'reasoning') {
      const closed = this.#closePart(open);
      this.#output[open.outputIndex] = {
        id: open.id,
        type: 'reasoning',
        summary: open.summary.map((text) => reasoningPart('summary', text)),
        ...(open.hasContent || open.content.length > 0 ? { content: open.content.map((text) => reasoningPart('text', text)) } : {}),
        ...(open.encrypted === undefined ? {} : { encrypted_content: open.encrypted }),
      };
      return closed + this.#event('response.output_item.done', { output_index: open.outputIndex, item: this.#output[open.outputIndex] });
    }
    const status = completionOf(this.#finishReason).status === 'completed' ? 'completed' : 'incomplete';
    const location = this.#messageLocation(open);
    const part = outputTextPart(open.text);
    this.#output[open.outputIndex] = messageItem(open.id, part, status);
    return (
      this.#event('response.output_text.done', { ...location, text: open.text, logprobs: [] }) +
      this.#event('response.content_part.done', { ...location, part }) +
      this.#event('response.output_item.done', { output_index: open.outputIndex, item: this.#output[open.outputIndex] })
    );
  }

  /** Closes every open item: the text or reasoning one, then the tool calls in the order they began. */
  #closeAll(): string {
    let out = this.#closeOpen();
    for (const item of this.#openTools.values()) {
      const location = { item_id: item.id, output_index: item.outputIndex };
      const done = this.#toolItem(item, 'completed');
      this.#output[item.outputIndex] = done;
      if (item.custom) {
        const input = String(done.input);
        out += this.#event('response.custom_tool_call_input.delta', { ...location, delta: input });
        out += this.#event('response.custom_tool_call_input.done', { ...location, input });
      } else {
        out += this.#event('response.function_call_arguments.done', { ...location, name: item.name, arguments: item.args });
      }
      out += this.#event('response.output_item.done', { output_index: item.outputIndex, item: done });
    }
    this.#openTools.clear();
    return out;
  }
}
