import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Unit tests only: Playwright specs live in e2e/ and are run by `npx playwright test`.
export default defineConfig({
  plugins: [react()],
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
