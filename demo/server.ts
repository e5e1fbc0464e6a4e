// The demo app served by the local emulator, with some server-side traffic (a ticker event
// every two seconds) so the panel has something to show at once. Used by `npm start` and
// by demo/serve.ts.
import { resolve } from 'node:path';
import { DEFAULT_API_KEY, startEmulator, type Emulator } from '../src/emulator/index.ts';

export interface Demo {
  readonly emulator: Emulator;
  /** The demo page, with nothing in its query string (it defaults to this emulator). */
  readonly url: string;
  readonly apiKey: string;
  stop(): Promise<void>;
}

export async function startDemo(opts: { port?: number; logger?: (line: string) => void; tickMs?: number } = {}): Promise<Demo> {
  const emulator = await startEmulator({
    port: opts.port ?? 4000,
    tls: 'off',
    staticDir: resolve(import.meta.dirname),
    auth: { apiKeys: [DEFAULT_API_KEY] },
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  let tick = 0;
  const ticker = setInterval(() => {
    emulator.publishJson('/default/ticker', [{ tick: ++tick, price: Math.round(10000 + Math.sin(tick / 5) * 250) / 100 }]);
  }, opts.tickMs ?? 2000);
  return {
    emulator,
    url: `${emulator.origin}/index.html`,
    apiKey: DEFAULT_API_KEY,
    async stop() {
      clearInterval(ticker);
      await emulator.stop();
    },
  };
}
