// The editor's extensions on the state alone: typing a JSON array with brackets and quotes
// completes, and auto-closed brackets and quotes are stepped over, so the text is what was
// typed. (The Chromium hang once blamed on them was the view's store round trip:
// test/dom/console/console-editor.test.tsx.)
import { describe, expect, test } from 'vitest';
import { EditorState, type Transaction } from '@codemirror/state';
import { bracketMatching } from '@codemirror/language';
import { closeBrackets, insertBracket } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';

function type(state: EditorState, text: string): EditorState {
  for (const ch of text) {
    const started = Date.now();
    const bracket: Transaction | null = insertBracket(state, ch);
    const head = state.selection.main.head;
    state = bracket ? bracket.state : state.update({ changes: { from: head, insert: ch }, selection: { anchor: head + ch.length } }).state;
    expect(Date.now() - started, `typing ${JSON.stringify(ch)}`).toBeLessThan(1000);
  }
  return state;
}

describe('console editor state', () => {
  const create = () => EditorState.create({ doc: '', extensions: [json(), bracketMatching(), closeBrackets()] });

  test('"[" then "1" closes the bracket and keeps typing inside it', () => {
    const s = type(create(), '[1');
    expect(s.doc.toString()).toBe('[1]');
    expect(s.selection.main.head).toBe(2);
  });

  test('a typed array with strings ends as typed: closing brackets and quotes are stepped over', () => {
    const s = type(create(), '[{"n":1},{"s":"a b"}]');
    expect(s.doc.toString()).toBe('[{"n":1},{"s":"a b"}]');
    expect(JSON.parse(s.doc.toString())).toEqual([{ n: 1 }, { s: 'a b' }]);
  });
});
