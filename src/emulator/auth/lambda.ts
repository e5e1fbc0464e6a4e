// AWS_LAMBDA mode: instead of invoking a Lambda, the emulator accepts configured tokens or
// asks a local module's `authorize(token, ctx)`, so custom authorizer logic can be
// exercised without AWS. A thrown error or a non-true answer denies, like a failing Lambda.

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { LambdaAuthorize, LambdaConfig, LambdaContext } from '../config.ts';
import type { AuthOutcome } from './types.ts';

export class LambdaAuthorizer {
  private loaded: Promise<LambdaAuthorize | undefined> | undefined;

  constructor(private readonly config: LambdaConfig) {}

  private load(): Promise<LambdaAuthorize | undefined> {
    if (this.config.authorize) return Promise.resolve(this.config.authorize);
    if (!this.config.module) return Promise.resolve(undefined);
    this.loaded ??= import(pathToFileURL(resolve(this.config.module)).href).then((m: Record<string, unknown>) => {
      const fn = m['authorize'] ?? (m['default'] as Record<string, unknown> | undefined)?.['authorize'] ?? m['default'];
      if (typeof fn !== 'function') throw new Error(`${this.config.module} does not export authorize(token, ctx)`);
      return fn as LambdaAuthorize;
    });
    return this.loaded;
  }

  /** Loads the module early so a bad path fails at start-up rather than on first use. */
  async preload(): Promise<void> {
    await this.load();
  }

  async check(token: string, ctx: LambdaContext): Promise<AuthOutcome> {
    if (this.config.tokens?.includes(token)) return { ok: true };
    const fn = await this.load();
    if (!fn) return { ok: false, reason: 'lambda token not accepted' };
    try {
      const r = await fn(token, ctx);
      const allowed = typeof r === 'boolean' ? r : r?.isAuthorized === true;
      return allowed ? { ok: true } : { ok: false, reason: 'lambda authorizer denied the token' };
    } catch (err) {
      return { ok: false, reason: `lambda authorizer threw: ${(err as Error).message}` };
    }
  }
}
