// Asks the background for the inspected page's live credentials (held in its memory only)
// over a short-lived panel port of its own, so the panel's main link is left alone.
import browser from 'webextension-polyfill';
import { PANEL_PORT, type PageCredential } from '../../../../src/messaging/contracts.ts';

export function listPageCredentials(tabId: number, timeoutMs = 3000): Promise<readonly PageCredential[]> {
  return new Promise((resolve, reject) => {
    const port = browser.runtime.connect({ name: `${PANEL_PORT}:${tabId}` });
    const timer = setTimeout(() => {
      port.disconnect();
      reject(new Error('The background did not answer.'));
    }, timeoutMs);
    port.onMessage.addListener((m: unknown) => {
      const msg = m as { type?: string; credentials?: PageCredential[] };
      if (msg?.type !== 'pageCredentialsListed' || !Array.isArray(msg.credentials)) return;
      clearTimeout(timer);
      port.disconnect();
      resolve(msg.credentials);
    });
    port.postMessage({ type: 'listPageCredentials' });
  });
}
