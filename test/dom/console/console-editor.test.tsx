// The event editor and the store, typed into key by key faster than the panel paints: each
// key reaches the store once and the editor keeps what was typed. The editor once mirrored
// the store through a component effect keyed on the text; Preact runs an effect still
// pending from the previous render when the component renders again, so a key typed between
// a render and the next paint made the stale effect write the older text back, whose render
// ran the newer stale effect, and so on without end, all in one task (Chromium's panel hung).
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, render, screen } from '@testing-library/preact';
import { EditorView } from '@codemirror/view';
import { insertBracket } from '@codemirror/autocomplete';
import { PublishPane } from '../../../extension/panel/views/console/publish-pane.tsx';
import { makeStore } from './helpers.ts';

afterEach(cleanup);

/** Lets Preact run the renders queued by a signal write, but not the effects it runs after paint. */
const renders = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

function setup() {
  const { store } = makeStore();
  // More reports than keys means the editor and the store are feeding each other; stop
  // such a loop here so the test fails instead of never returning.
  let reports = 0;
  const setText = store.setText;
  const counted = (t: string) => {
    reports++;
    if (reports > 100) throw new Error('the editor and the store feed each other');
    setText(t);
  };
  const wrapped = { ...store, setText: counted };
  render(<PublishPane store={wrapped} />);
  const view = EditorView.findFromDOM(screen.getByTestId('publish-editor').querySelector('.cm-editor') as HTMLElement);
  if (!view) throw new Error('no CodeMirror view in the publish editor');
  return { store, view, reports: () => reports };
}

/** One key as the editor's input handling applies it: closeBrackets first, else a plain insertion. */
function key(view: EditorView, ch: string): void {
  const tr = insertBracket(view.state, ch);
  view.dispatch(tr ?? view.state.update(view.state.replaceSelection(ch), { userEvent: 'input.type' }));
}

describe('console editor ↔ store', () => {
  test('typing faster than the panel paints: one report per key, the text as typed (brackets and quotes auto-closed and stepped over)', async () => {
    const { store, view, reports } = setup();
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: '' } });
    await renders();
    const before = reports();
    const typed = '[{"n":1}]';
    for (const ch of typed) {
      key(view, ch);
      await renders();
    }
    expect(view.state.doc.toString()).toBe(typed);
    expect(store.text.value).toBe(typed);
    expect(reports() - before).toBe(typed.length);
  });

  test('a template loaded from outside replaces the text once; loading the same text changes nothing', async () => {
    const { store, view, reports } = setup();
    store.setText('{"from":"template"}');
    await renders();
    expect(view.state.doc.toString()).toBe('{"from":"template"}');
    store.templateName.value = 'saved';
    store.saveTemplate();
    const id = store.templates.value[0]!.id;
    // Typed on, then the template loaded again: the editor shows the template's text.
    view.dispatch({ selection: { anchor: view.state.doc.length } });
    key(view, ' ');
    await renders();
    expect(store.text.value).toBe('{"from":"template"} ');
    let n = reports();
    store.useTemplate(id);
    await renders();
    expect(view.state.doc.toString()).toBe('{"from":"template"}');
    expect(reports() - n).toBe(1);
    n = reports();
    store.useTemplate(id);
    await renders();
    expect(reports()).toBe(n);
    expect(view.state.doc.toString()).toBe('{"from":"template"}');
  });
});
