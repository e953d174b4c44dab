#!/usr/bin/env node
// The `plasticity` command. A committed file rather than dist/cli/main.js itself, so that
// `npm ci` links the bin in a fresh clone before the build has produced dist/.
/* global console, process */
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    console.error('error: plasticity is not built yet; run `npm run build` (or `npm ci`, which builds it)');
    process.exit(1);
  }
  throw error;
}
