// The panel's theme follows DevTools: `devtools.panels.themeName` ('dark' or 'default')
// where the browser has it, with its change event where there is one; otherwise panel.css
// falls back to prefers-color-scheme. `?theme=dark|light` forces one (screenshots, tests).
import browser from 'webextension-polyfill';

type Panels = { themeName?: string; onThemeChanged?: { addListener(fn: (name: string) => void): void } };

export function themeFromName(name: string | undefined): 'dark' | 'light' | null {
  if (name === 'dark') return 'dark';
  if (name === 'default' || name === 'light') return 'light';
  return null;
}

export function applyTheme(): void {
  const forced = themeFromName(new URLSearchParams(location.search).get('theme') ?? undefined);
  const set = (t: 'dark' | 'light' | null) => {
    if (t) document.documentElement.dataset['theme'] = t;
    else delete document.documentElement.dataset['theme'];
  };
  if (forced) return set(forced);
  let panels: Panels | undefined;
  try {
    panels = (browser.devtools as unknown as { panels?: Panels } | undefined)?.panels;
  } catch {
    panels = undefined;
  }
  set(themeFromName(panels?.themeName));
  panels?.onThemeChanged?.addListener((name) => set(themeFromName(name)));
}
