#!/usr/bin/env node
/* global console, performance, process */
// `npm run bench`: throughput and memory, measured in one process so that every ratio compares
// runs on the same machine at the same time. Suites and options: README.md. It imports the built
// packages and this package's dist/, so run `npm run build` once first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SUITES = ['mlp', 'snn', 'steps', 'local', 'btsp-memory', 'easgd', 'peers'];
// `easgd` trains MNIST for minutes and needs the data, `peers` starts a process per case: only
// when asked for.
const DEFAULT_SUITES = SUITES.filter((s) => s !== 'easgd' && s !== 'peers');
const { values: args } = parseArgs({
  options: {
    suite: { type: 'string', default: DEFAULT_SUITES.join(',') },
    backends: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
if (!(seconds > 0)) {
  console.error(`bench: --seconds must be a positive number, got ${args.seconds}`);
  process.exit(2);
}
const repeats = Number(args.repeats);
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`bench: --repeats must be a whole number >= 1, got ${args.repeats}`);
  process.exit(2);
}
const suites = args.suite.split(',').map((s) => s.trim());
const unknown = suites.filter((s) => !SUITES.includes(s));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  process.exit(2);
}

const BACKENDS = ['wasm', 'cpu', 'webgpu', 'node-gpu'];
const wanted = args.backends ? args.backends.split(',').map((s) => s.trim()) : BACKENDS;
const unknownBackends = wanted.filter((b) => !BACKENDS.includes(b));
if (unknownBackends.length) {
  console.error(`bench: unknown backend ${unknownBackends.join(', ')}; known: ${BACKENDS.join(', ')}`);
  process.exit(2);
}
if (args['dry-run']) {
  // Checks the flags and says what would run (the docs test uses it for every documented command).
  console.log(`would run ${suites.join(', ')} on ${wanted.join(', ')} where available, ${seconds} s each`);
  process.exit(0);
}

const here = dirname(fileURLToPath(import.meta.url));
const built = [
  'core-tensors',
  'neurons',
  'rule-backprop',
  'rule-bptt',
  'rule-btsp',
  'rule-eventprop',
  'rule-forward-forward',
  'rule-least-control',
].map((pkg) => join('packages', pkg, 'dist', 'index.js'));
for (const file of [
  ...built,
  ...['step-cost.js', 'btsp-recall.js'].map((f) => join('tools', 'bench', 'dist', f)),
]) {
  if (!existsSync(join(here, '..', '..', file))) {
    console.error(`bench: ${dirname(file)} is missing; run \`npm run build\` first.`);
    process.exit(1);
  }
}

const { probeBackends } = await import('@plasticity/core-tensors');
const probes = await probeBackends();
const available = probes.filter((p) => p.available).map((p) => p.name);
const backends = wanted.filter((b) => available.includes(b));
for (const b of wanted.filter((b) => !available.includes(b))) {
  const probe = probes.find((p) => p.name === b);
  if (args.backends || b === 'wasm' || b === 'cpu') {
    console.error(`bench: skipping ${b}: ${probe ? probe.reason : 'unknown backend'}`);
  }
}

const options = {
  backends,
  seconds,
  repeats,
  json: args.json,
  progress: () => {
    if (!args.json) process.stderr.write('.');
  },
};
const started = performance.now();
const results = {};
if (suites.includes('mlp')) results.mlp = await (await import('./mlp.js')).runMlpSuite(options);
if (suites.includes('snn')) results.snn = await (await import('./snn.js')).runSnnSuite(options);
if (suites.includes('steps')) results.steps = await (await import('./steps.js')).runStepsSuite(options);
if (suites.includes('local')) results.local = await (await import('./local.js')).runLocalSuite(options);
if (suites.includes('easgd')) results.easgd = await (await import('./easgd.js')).runEasgdSuite(options);
if (suites.includes('peers')) results.peers = await (await import('./peers.js')).runPeersSuite(options);
if (suites.includes('btsp-memory')) {
  results['btsp-memory'] = await (await import('./btsp-memory.js')).runBtspMemorySuite(options);
}
const total = (performance.now() - started) / 1000;
if (args.json) console.log(JSON.stringify({ seconds: total, ...results }));
else console.log(`\n(${total.toFixed(0)} s in all)`);
const failed = Object.values(results)
  .flat()
  .some((r) => r.error);
// Dawn keeps the process alive; exit explicitly.
process.exit(failed ? 1 : 0);
