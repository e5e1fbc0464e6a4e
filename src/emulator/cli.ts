// `npm run emulator -- [options]`: starts the emulator on loopback, prints the endpoints and
// paste-ready client snippets, then one line per frame / request until Ctrl-C.

import { encodeAuthSubprotocol } from '../protocol/auth.ts';
import { HELP, parseCli } from './cli-args.ts';
import { startEmulator } from './index.ts';
import { watchParent } from './parent-watch.ts';
import type { Emulator } from './index.ts';

const AMPLIFY_MODE: Readonly<Record<string, string>> = {
  API_KEY: 'apiKey',
  AMAZON_COGNITO_USER_POOLS: 'userPool',
  OPENID_CONNECT: 'oidc',
  AWS_LAMBDA: 'lambda',
  AWS_IAM: 'iam',
};

export function banner(emu: Emulator): string {
  const c = emu.config;
  const host = new URL(emu.httpUrl).host;
  const apiKey = c.auth.apiKeys[0]?.key;
  const mode = c.connectionAuthModes[0] ?? 'API_KEY';
  const lines = [
    `AppSync Events emulator on ${c.host}:${emu.port} (tls: ${c.tls})`,
    `  HTTP publish  ${emu.httpUrl}${emu.plainHttpUrl && emu.plainHttpUrl !== emu.httpUrl ? `   (plain: ${emu.plainHttpUrl})` : ''}`,
    `  Realtime      ${emu.realtimeUrl}${emu.plainRealtimeUrl && emu.plainRealtimeUrl !== emu.realtimeUrl ? `   (plain: ${emu.plainRealtimeUrl})` : ''}`,
    `  Connect auth  ${c.connectionAuthModes.join(', ')}`,
    `  Keep-alive    ${c.keepAliveMs === 0 ? 'off (no ka frames)' : `ka every ${c.keepAliveMs} ms`}, connectionTimeoutMs ${c.connectionTimeoutMs}`,
    ...[...c.namespaces.values()].map(
      (n) => `  Namespace     ${n.name}  publish: ${n.publishAuthModes.join(', ')}  subscribe: ${n.subscribeAuthModes.join(', ')}`,
    ),
    ...(apiKey ? [`  API key       ${apiKey}`] : []),
    '',
    'Amplify (aws-amplify v6):',
    `  Amplify.configure({ API: { Events: ${JSON.stringify({
      endpoint: emu.httpUrl,
      region: c.region,
      defaultAuthMode: AMPLIFY_MODE[mode],
      ...(apiKey && mode === 'API_KEY' ? { apiKey } : {}),
    })} } });`,
  ];
  if (c.tls !== 'off') {
    lines.push(
      '  The certificate is self-signed: in Node set NODE_TLS_REJECT_UNAUTHORIZED=0; in a browser open',
      `  ${emu.origin}/event once and accept it (or pass --cert/--key from a locally trusted CA).`,
    );
  }
  if (apiKey) {
    const header = encodeAuthSubprotocol({ host, 'x-api-key': apiKey });
    lines.push(
      '',
      'Raw WebSocket (browser or Node):',
      `  const ws = new WebSocket('${emu.plainRealtimeUrl ?? emu.realtimeUrl}', ['aws-appsync-event-ws', '${header}']);`,
      `  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));`,
      `  // subscribe: {"type":"subscribe","id":"s1","channel":"/default/*","authorization":{"x-api-key":"${apiKey}"}}`,
      '',
      'HTTP publish:',
      `  curl -k -X POST ${emu.httpUrl} -H 'x-api-key: ${apiKey}' -H 'content-type: application/json' \\`,
      `    -d '{"channel":"/default/test","events":["{\\"hello\\":\\"world\\"}"]}'`,
    );
  }
  lines.push('', 'Ctrl-C to stop.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`emulator: ${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(HELP);
    return;
  }
  // Handlers go in before anything is printed, so a Ctrl-C right after the banner is clean.
  let emu: Emulator | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1); // a second Ctrl-C forces the exit
    stopping = true;
    console.log('\nStopping…');
    (emu ? emu.stop() : Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // The package script `exec`s us so that npm's own signal forwarding reaches this process
  // (under a plain `sh -c` the shell took SIGTERM/SIGINT sent to npm alone and the server
  // kept its port); a killed npm forwards nothing, hence the watch.
  watchParent(stop);
  // With the parent gone, stdout may be a pipe nobody reads: a failed write must not turn a
  // clean stop into a crash.
  process.stdout.on('error', () => {});
  emu = await startEmulator({ logger: (line) => console.log(line), ...parsed.config });
  if (stopping) return;
  console.log(banner(emu));
}

main().catch((err: unknown) => {
  console.error(`emulator: ${(err as Error).message}`);
  process.exit(1);
});
