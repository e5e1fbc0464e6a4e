// Inline rename: Enter (or leaving the field) saves, Escape cancels. `onDone(null)` means
// nothing to save, so an unchanged or blank name never reaches the database.
import { useEffect, useRef, useState } from 'preact/hooks';

export function RenameField({ initial, onDone }: { initial: string; onDone: (name: string | null, byKeyboard: boolean) => void }) {
  const [value, setValue] = useState(initial);
  const ref = useRef<HTMLInputElement>(null);
  // Enter and then the blur that follows it must not save twice.
  const finished = useRef(false);

  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);

  const finish = (save: boolean, byKeyboard: boolean): void => {
    if (finished.current) return;
    finished.current = true;
    const name = value.trim();
    onDone(save && name !== '' && name !== initial ? name : null, byKeyboard);
  };

  return (
    <input
      ref={ref}
      class="rename"
      type="text"
      aria-label="Session name (Enter saves, Escape cancels)"
      value={value}
      maxLength={200}
      onInput={(e) => setValue(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true, true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish(false, true);
        }
      }}
      onBlur={() => finish(true, false)}
    />
  );
}
