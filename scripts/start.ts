// `npm start`: build the extension, start the local emulator serving the demo app, open a
// browser with the extension loaded, the demo in a tab and DevTools on our panel, then say
// what to click. Without a display (or with --headless) the same flow runs headless, drives
// a few publishes and prints what the extension captured, then exits.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startDemo, type Demo } from '../demo/server.ts';
import { watchParent } from '../src/emulator/parent-watch.ts';
import {
  ROOT,
  findBrowser,
  kindOfBinary,
  launchBrowser,
  needsNoSandbox,
  showChromiumPanel,
  showFirefoxPanel,
  waitFor,
  type BrowserKind,
  type LaunchedBrowser,
} from './lib/browser-launch.ts';
import { driveDemo, formatSummary, readSummary, summaryComplete } from './lib/headless-run.ts';

const HELP = `npm start -- [options]

  --firefox          use Firefox (default: Chromium or Chrome)
  --browser PATH     use this browser binary (Chromium, Chrome or Firefox, told apart by name)
  --headless         no window: drive the demo, print what the extension captured, exit
                     (automatic when neither $DISPLAY nor $WAYLAND_DISPLAY is set)
  --port N           port of the emulator and demo (default 4000; headless: any free port)
  --no-build         use the existing dist/ instead of building first
  --help             this text
`;

const OPTIONS = {
  firefox: { type: 'boolean' },
  chromium: { type: 'boolean' },
  browser: { type: 'string' },
  headless: { type: 'boolean' },
  port: { type: 'string' },
  'no-build': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    console.error(`npm start: ${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
}
const args = parse();
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

const noDisplay = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const headless = args.headless === true || noDisplay;
const kind: BrowserKind = args.firefox ? 'firefox' : args.chromium ? 'chromium' : args.browser ? kindOfBinary(args.browser) : 'chromium';
const label = kind === 'firefox' ? 'Firefox' : 'Chromium';

if (!args['no-build']) {
  console.log('Building the extension (dist/chrome, dist/firefox)…');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) fail('the build failed (see above).');
}

function resolveBrowser(): string {
  if (args.browser) {
    if (spawnSync('test', ['-x', args.browser]).status !== 0) fail(`--browser ${args.browser}: no such executable.`);
    return args.browser;
  }
  const found = findBrowser(kind);
  if (found) return found;
  // Debian's packages: installed with apt-get when root, otherwise the script says how.
  const r = spawnSync('node', ['scripts/ensure-browsers.mjs', kind === 'firefox' ? 'firefox-esr' : 'chromium'], { cwd: ROOT, stdio: 'inherit' });
  const after = r.status === 0 ? findBrowser(kind) : undefined;
  return after ?? fail(`no ${label} found. Install one (Debian: apt-get install ${kind === 'firefox' ? 'firefox-esr' : 'chromium'}) or pass --browser PATH.`);
}
const executablePath = resolveBrowser();

const port = args.port !== undefined ? Number(args.port) : headless ? 0 : 4000;
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${args.port}: not a port number.`);

let demo: Demo;
try {
  demo = await startDemo({ port });
} catch (err) {
  const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
  fail(inUse ? `port ${port} is in use (another npm start or emulator?). Stop it or pass --port N.` : (err as Error).message);
}

let launched: LaunchedBrowser | undefined;
let stopping = false;
/** Closes the browser and the emulator, then exits with the first caller's code. */
async function stop(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {}); // the first stop decides the exit code
  stopping = true;
  await launched?.close();
  await demo.stop();
  process.exit(code);
}
let interrupts = 0;
process.on('SIGINT', () => (++interrupts > 1 ? process.exit(130) : void stop(130)));
process.on('SIGTERM', () => void stop(143));
// `npm start` execs this script, so npm forwards its signals here; a killed npm cannot.
watchParent(() => void stop(129));

const sandboxNote = kind === 'chromium' && needsNoSandbox() ? ' (running as root, so with --no-sandbox: Chromium refuses root otherwise)' : '';
if (headless && noDisplay && !args.headless) console.log('No display ($DISPLAY and $WAYLAND_DISPLAY are unset): running headless.');
console.log(`Starting ${label} ${executablePath}${headless ? ', headless' : ''}${sandboxNote}…`);

try {
  launched = await launchBrowser(kind, { headless, devtools: kind === 'chromium', devtoolsHeight: 460, executablePath });
} catch (err) {
  console.error(String(err));
  await demo.stop();
  fail(`${label} did not start.${kind === 'chromium' && !needsNoSandbox() ? ' If it says it has no usable sandbox, set APPSYNC_DEVTOOLS_NO_SANDBOX=1.' : ''}${headless ? '' : ' Without a display, use --headless.'}`);
}
const { browser } = launched;
browser.on('disconnected', () => void stop(0));

async function run(): Promise<void> {
  // The first tab (Chromium opened DevTools for it already) shows the demo.
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  await page.goto(demo.url);
  await waitFor(() => page.evaluate(() => document.getElementById('status')?.textContent === 'connected'), { what: 'the demo to connect', timeout: 30_000 });

  let shownWhere: string;
  if (kind === 'chromium') {
    await showChromiumPanel(browser, { min: 1, dock: 'bottom' });
    shownWhere = 'DevTools is open on the AppSync Events panel, docked at the bottom.';
  } else {
    const selected = await showFirefoxPanel(browser, demo.url);
    if (!selected) throw new Error('the Firefox toolbox did not list the AppSync Events panel.');
    shownWhere = "The page's toolbox is open on the AppSync Events panel, docked at the bottom.";
  }

  if (headless) {
    await driveDemo(page);
    const reader = await browser.newPage();
    const summary = await waitFor(
      async () => {
        const s = await readSummary(reader, `${launched!.extensionOrigin}/extension/panel/panel.html?tabId=-1`, demo.emulator.origin);
        return s && summaryComplete(s) ? s : null;
      },
      { what: 'the extension to store the demo traffic', timeout: 45_000, interval: 300 },
    );
    console.log(formatSummary(summary, { browser: label, demoUrl: demo.url }));
    await stop(0);
  }

  console.log(`
AppSync Events DevTools is running.
  Demo app   ${demo.url}  (served by the local emulator; a ticker event every 2 s)
  Browser    ${label}, extension loaded from dist/${kind === 'chromium' ? 'chrome' : 'firefox'}${sandboxNote}
  ${shownWhere}

Try it:
  1. In the demo, click "Publish over WebSocket" or "Publish over HTTP": the frames appear in
     the panel as they happen, decoded, with their channel.
  2. Click "Publish to an invalid channel" to see a publish_error.
  3. "Second client" publishes from its own connection; this page receives the events.
  4. Click a frame in the panel for its detail; "Sessions" lists every recording.
Close the browser or press Ctrl-C here to stop.`);
}

run().catch(async (err: unknown) => {
  console.error(`\nnpm start: ${(err as Error).message}`);
  await stop(1);
});
