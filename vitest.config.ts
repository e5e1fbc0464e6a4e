import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

// Unit tests (node) and component tests (happy-dom, files named *.dom.test.tsx).
// End-to-end tests in real browsers live in test/e2e and run under their own runner.
export default defineConfig({
  plugins: [preact()],
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'dom', environment: 'happy-dom', include: ['test/dom/**/*.test.{ts,tsx}'] },
      },
    ],
  },
});
