// The peer for every end-to-end test: the local emulator on loopback, also serving the
// fixture pages so pages and API share one origin.
import { resolve } from 'node:path';
import { startEmulator, type Emulator } from '../../../src/emulator/index.ts';

export const API_KEY = 'da2-e2etestkey000000000000000000';

export async function startTestServer(): Promise<Emulator & { apiKey: string; pageUrl(name: string, query?: string): string }> {
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    tls: 'off',
    auth: { apiKeys: [API_KEY] },
    staticDir: resolve(import.meta.dirname, '../../fixtures/pages'),
  });
  const origin = `http://127.0.0.1:${emulator.port}`;
  return Object.assign(emulator, {
    apiKey: API_KEY,
    pageUrl: (name: string, query = '') => `${origin}/${name}?key=${API_KEY}${query ? '&' + query : ''}`,
  });
}
