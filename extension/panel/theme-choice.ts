// Which theme the panel shows, without extension APIs (theme.ts passes them in): a forced
// `?theme=dark|light` (screenshots, tests), else DevTools' own theme where the browser tells
// it (`devtools.panels.themeName`: Chrome and Firefox), following its change event where
// there is one (Firefox's onThemeChanged; Chrome has none, so a Chrome panel keeps the
// theme it opened with). Null means "no opinion": panel.css then follows prefers-color-scheme.

export type Theme = 'dark' | 'light';

export interface ThemePanels {
  readonly themeName?: string;
  readonly onThemeChanged?: { addListener(fn: (name: string) => void): void };
}

export function themeFromName(name: string | undefined | null): Theme | null {
  if (name === 'dark') return 'dark';
  if (name === 'default' || name === 'light') return 'light';
  return null;
}

/** Applies the theme now and on every DevTools change; `set(null)` leaves it to the OS. */
export function followTheme(search: string, panels: ThemePanels | undefined, set: (t: Theme | null) => void): void {
  const forced = themeFromName(new URLSearchParams(search).get('theme'));
  if (forced) return set(forced);
  set(themeFromName(panels?.themeName));
  panels?.onThemeChanged?.addListener((name) => set(themeFromName(name)));
}
