// Development-only logging. Production builds replace import.meta.env.DEV with false and the
// bundler drops the call bodies, so nothing is logged to the user's console; test runs stay
// quiet too (their assertions say what happened).
export function debug(scope: string, ...args: unknown[]): void {
  if (import.meta.env?.DEV && import.meta.env.MODE !== 'test') console.debug(`[appsync-devtools:${scope}]`, ...args);
}
