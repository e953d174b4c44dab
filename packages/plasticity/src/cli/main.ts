#!/usr/bin/env node
// tfjs-core must be evaluated before core-tensors' bundled gradient registrations, so that
// its Tensor class (with the op methods attached) is the one registered globally.
import '@tensorflow/tfjs-core';
import { processIO } from './io.js';
import { runCli } from './program.js';

// Ctrl-C asks the trainer to stop after the current step (it keeps the last checkpoint, so
// `train --resume` continues); a second Ctrl-C exits at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

const code = await runCli(process.argv.slice(2), { io: processIO(), signal: controller.signal });

// Flush both streams, then exit explicitly: a WebGPU (Dawn) device or a tfjs worker can keep
// the event loop alive after the work is done.
const flush = (stream: NodeJS.WriteStream): Promise<void> =>
  new Promise((done) => stream.write('', () => done()));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
