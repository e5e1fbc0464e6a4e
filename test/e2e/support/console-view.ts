import type { BrowserName } from './browsers.ts';
import type { ConsoleServer } from './console-fixtures.ts';
export function runConsoleViewTests(_name: BrowserName, _server: ConsoleServer): void {}
