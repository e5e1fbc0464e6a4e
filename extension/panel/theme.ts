// The panel's theme follows DevTools (theme-choice.ts decides); this wires the browser's
// devtools.panels and the document. Without a DevTools theme, panel.css follows
// prefers-color-scheme, which the browser re-applies by itself when the OS scheme changes.
import browser from 'webextension-polyfill';
import { followTheme, type ThemePanels } from './theme-choice.ts';

export { themeFromName } from './theme-choice.ts';

export function applyTheme(): void {
  let panels: ThemePanels | undefined;
  try {
    panels = (browser.devtools as unknown as { panels?: ThemePanels } | undefined)?.panels;
  } catch {
    // The panel page opened as a plain extension page (no DevTools): no devtools namespace.
    panels = undefined;
  }
  followTheme(location.search, panels, (t) => {
    if (t) document.documentElement.dataset['theme'] = t;
    else delete document.documentElement.dataset['theme'];
  });
}
