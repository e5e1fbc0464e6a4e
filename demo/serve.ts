// Serves the demo app from the local emulator and keeps some server-side traffic flowing
// (a ticker event every two seconds), so the panel has something to show at once.
import { resolve } from 'node:path';
import { startEmulator, DEFAULT_API_KEY } from '../src/emulator/index.ts';

const port = Number(process.env.PORT ?? 4000);
const emulator = await startEmulator({
  port,
  tls: 'off',
  staticDir: resolve(import.meta.dirname),
  auth: { apiKeys: [DEFAULT_API_KEY] },
  logger: (line) => console.log(line),
});
console.log(`Demo app:      ${emulator.origin}/index.html`);
console.log(`HTTP endpoint: ${emulator.httpUrl}`);
console.log(`Realtime:      ${emulator.realtimeUrl}`);
console.log(`API key:       ${DEFAULT_API_KEY}`);

let tick = 0;
const ticker = setInterval(() => {
  emulator.publishJson('/default/ticker', [{ tick: ++tick, price: Math.round(10000 + Math.sin(tick / 5) * 250) / 100 }]);
}, 2000);

const stop = async () => {
  clearInterval(ticker);
  await emulator.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
