import type { GatewayContext } from '@tollgate/core';
import { describe, expect, it } from 'vitest';
import { bodyLogFields } from './body-capture.js';

/** The parts of a request's context `bodyLogFields` reads. */
const contextOf = (operation: string, request: object) => ({ operation, request, get: () => undefined }) as unknown as GatewayContext;

describe('bodyLogFields', () => {
  it("logs an image edit's prompt with its uploads' names and sizes, never their bytes", () => {
    const bytes = new Uint8Array(2_000).fill(7);
    const fields = bodyLogFields(contextOf('images', { model: 'gpt-image-1.5', prompt: 'make it blue', task: 'edit', files: [{ field: 'image', name: 'room.png', type: 'image/png', bytes, width: 10, height: 10 }] }));
    expect(JSON.parse(fields.request)).toEqual({ prompt: 'make it blue', files: [{ field: 'image', name: 'room.png', bytes: 2_000 }] });
    expect(bodyLogFields(contextOf('images', { model: 'gpt-image-1.5', prompt: 'a cat' })).request).toBe('"a cat"');
  });
});
