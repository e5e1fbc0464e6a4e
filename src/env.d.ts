/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The browser a build is for (vite.config.ts defines it); undefined under vitest. */
  readonly TARGET?: 'chrome' | 'firefox';
}
