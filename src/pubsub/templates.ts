// Saved publishes with variables. A template is a channel and the editor's text in which
// `{{uuid}}` (a fresh UUID per occurrence), `{{now}}` (epoch ms), `{{iso}}` (ISO time) and
// `{{counter}}` (1, 2, 3… per template) are replaced when it is used. Inside a JSON string
// write "{{uuid}}"; a bare {{counter}} or {{now}} becomes a JSON number.

import type { Transport } from './types.ts';

export interface Template {
  readonly id: string;
  readonly name: string;
  readonly channel: string;
  readonly body: string;
  readonly transport: Transport;
  /** Uses so far: the next {{counter}} is counter + 1. */
  readonly counter: number;
}

export interface ExpandContext {
  readonly now: number;
  readonly uuid: () => string;
}

export const TEMPLATE_VARIABLES = ['uuid', 'now', 'iso', 'counter'] as const;

const VARIABLE = /\{\{\s*(uuid|now|iso|counter)\s*\}\}/g;

/** The text with every variable replaced, and the template with its counter advanced. */
export function expandTemplate(t: Template, ctx: ExpandContext): { channel: string; body: string; template: Template } {
  const counter = t.counter + 1;
  const sub = (text: string) =>
    text.replace(VARIABLE, (_m, name: string) => {
      switch (name) {
        case 'uuid':
          return ctx.uuid();
        case 'now':
          return String(ctx.now);
        case 'iso':
          return new Date(ctx.now).toISOString();
        default:
          return String(counter);
      }
    });
  return { channel: sub(t.channel), body: sub(t.body), template: { ...t, counter } };
}

/** Variables used by a text, for the template list. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1] as string))];
}

export function uuid(): string {
  return globalThis.crypto.randomUUID();
}
