// The hidden file input behind every "Import…" button: one list of accepted files, one label,
// and the input cleared after each pick so the same file can be picked again.
import type { Ref } from 'preact';

const ACCEPT = '.jsonl,.ndjson,.gz,.har,.json,application/json,application/gzip';

interface Props {
  readonly inputRef: Ref<HTMLInputElement>;
  readonly onFiles: (files: FileList | null) => Promise<unknown>;
  readonly testId?: string;
}

export function ImportInput({ inputRef, onFiles, testId }: Props) {
  return (
    <input
      ref={inputRef}
      class="visually-hidden"
      type="file"
      accept={ACCEPT}
      tabIndex={-1}
      aria-label="Import a session or HAR file"
      {...(testId ? { 'data-testid': testId } : {})}
      onChange={(e) => {
        const input = e.currentTarget;
        void onFiles(input.files).finally(() => (input.value = ''));
      }}
    />
  );
}
