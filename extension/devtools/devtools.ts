// The DevTools page: registers the panel, and tells it when DevTools shows or hides it (it
// lives as long as DevTools).
import browser from 'webextension-polyfill';
import { PANEL_VISIBILITY_EVENT } from '../../src/messaging/contracts.ts';

/** A hidden panel (another DevTools tool selected) does not re-read the growing session. */
function tell(win: Window | null, shown: boolean): void {
  try {
    // The event is made in the panel's own realm (Firefox hands over a wrapper of its window).
    if (win) win.dispatchEvent(new (win as Window & typeof globalThis).CustomEvent(PANEL_VISIBILITY_EVENT, { detail: shown }));
  } catch {
    // The panel's window is gone (DevTools closing): nothing to tell.
  }
}

void browser.devtools.panels.create('AppSync Events', '/extension/icons/icon-48.png', '/extension/panel/panel.html').then((panel) => {
  // onHidden gives no window: the one last shown is the panel's.
  let shownIn: Window | null = null;
  panel.onShown.addListener((win) => {
    shownIn = win as Window;
    tell(shownIn, true);
  });
  panel.onHidden.addListener(() => tell(shownIn, false));
});
