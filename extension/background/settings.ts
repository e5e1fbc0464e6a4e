// User settings (storage.local, shared with the panel that edits them) and per-tab choices
// that must outlive a stopped service worker (storage.session).
import browser from 'webextension-polyfill';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_KEY, type CaptureSettings } from '../../src/recording/policy.ts';

export function watchSettings(onChange: () => void): { current(): CaptureSettings; ready: Promise<void> } {
  let current = DEFAULT_SETTINGS;
  const ready = browser.storage.local.get(SETTINGS_KEY).then((items) => {
    current = parseSettings(items[SETTINGS_KEY]);
    onChange();
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !(SETTINGS_KEY in changes)) return;
    current = parseSettings(changes[SETTINGS_KEY]?.newValue);
    onChange();
  });
  return { current: () => current, ready };
}

export const preserveLogStore = {
  async get(tabId: number): Promise<boolean> {
    const key = `preserveLog:${tabId}`;
    return (await browser.storage.session.get(key))[key] === true;
  },
  async set(tabId: number, on: boolean): Promise<void> {
    await browser.storage.session.set({ [`preserveLog:${tabId}`]: on });
  },
};

/** Record/Stop per tab: true while the user stopped recording it. */
export const recordingPausedStore = {
  async get(tabId: number): Promise<boolean> {
    const key = `recordingPaused:${tabId}`;
    return (await browser.storage.session.get(key))[key] === true;
  },
  async set(tabId: number, paused: boolean): Promise<void> {
    if (paused) await browser.storage.session.set({ [`recordingPaused:${tabId}`]: true });
    else await browser.storage.session.remove(`recordingPaused:${tabId}`);
  },
};
