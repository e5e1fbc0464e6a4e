// `tsx demo/serve.ts`: the demo app on the local emulator (PORT, default 4000), logging
// every frame, until Ctrl-C.
import { startDemo } from './server.ts';

const demo = await startDemo({ port: Number(process.env.PORT ?? 4000), logger: (line) => console.log(line) });
console.log(`Demo app:      ${demo.url}`);
console.log(`HTTP endpoint: ${demo.emulator.httpUrl}`);
console.log(`Realtime:      ${demo.emulator.realtimeUrl}`);
console.log(`API key:       ${demo.apiKey}`);

const stop = async () => {
  await demo.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
