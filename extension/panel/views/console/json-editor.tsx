// The event editor: CodeMirror 6 with JSON highlighting, bracket matching and auto-closed
// brackets and quotes; the checks are shown by the publish pane. Its colours are the panel's
// theme variables, so it follows light/dark without re-creating it.
import { useEffect, useRef } from 'preact/hooks';
import { effect, type ReadonlySignal } from '@preact/signals';
import { EditorView, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { tags } from '@lezer/highlight';

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--json-key)' },
  { tag: tags.string, color: 'var(--json-string)' },
  { tag: tags.number, color: 'var(--json-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--accent)' },
  { tag: tags.invalid, color: 'var(--err)' },
]);

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--bg-input)', color: 'var(--fg)', border: '1px solid var(--line)', borderRadius: '4px', fontSize: '12px' },
  '&.cm-focused': { outline: '1px solid var(--accent)' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--fg)' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-head)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'transparent' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--sel-bg)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--line)' },
  '.cm-scroller': { minHeight: '96px', maxHeight: '320px', overflow: 'auto' },
});

interface Props {
  /** The store's text: what the editor reports, and what a template or history load writes. */
  readonly text: ReadonlySignal<string>;
  readonly onChange: (text: string) => void;
  readonly label: string;
  readonly testId: string;
}

/**
 * While the user types the editor is the source of truth: it reports each change and the
 * store follows. A change from outside (a template, a history entry) is a write to `text`
 * that differs from the document; only then is it dispatched. The text is compared as it is
 * now, read from the signal, never from a render's props: a component effect keyed on a
 * `value` prop ran with the value of the render before (Preact runs an effect still pending
 * when the component renders again), wrote that older text back over a key typed in between,
 * and the two renders' effects then undid each other without end.
 */
export function JsonEditor({ text, onChange, label, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    // Set while the editor reports its own change: the store's text is then the document,
    // and nothing may be dispatched from inside the editor's update.
    let reporting = false;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text.peek(),
        extensions: [
          lineNumbers(),
          history(),
          json(),
          bracketMatching(),
          closeBrackets(),
          syntaxHighlighting(highlight),
          theme,
          placeholder('{"message": "hello"}  or  [{"a": 1}, {"b": 2}]'),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            reporting = true;
            try {
              latest.current(u.state.doc.toString());
            } finally {
              reporting = false;
            }
          }),
        ],
      }),
    });
    const stop = effect(() => {
      const t = text.value;
      if (reporting) return;
      const doc = v.state.doc;
      if (doc.length === t.length && doc.toString() === t) return;
      v.dispatch({ changes: { from: 0, to: doc.length, insert: t } });
    });
    return () => {
      stop();
      v.destroy();
    };
  }, [text]);

  return <div class="json-editor" data-testid={testId} ref={host} />;
}
