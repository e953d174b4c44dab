/* global process, setInterval, clearInterval */
// Suite `easgd`: data-parallel training of the same MNIST network through the CLI, as a user runs
// it: one process (momentum SGD) against two worker threads around a shared center (EASGD and
// EAMSGD at τ 4 and 16, DOWNPOUR at τ 1). Reads each run's metrics.jsonl: wall time for the
// center to reach the target test accuracy, and accuracy at equal wall time and equal samples.
// Needs MNIST in $PLASTICITY_DATA_DIR (or ~/.cache/plasticity); nothing is downloaded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './table.js';

const CLI = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'plasticity',
  'dist',
  'cli',
  'main.js',
);
const TARGET = 0.975;
const EPOCHS = 12;
// 784-256-10 ReLU, batch 128, momentum 0.9 at lr 0.05 for the single-worker reference. Each of p
// elastically coupled workers sees 1/p of the data, so the center advances by about the mean of
// their steps: the workers get a larger step (lr 0.2, the best of 0.05, 0.1 and 0.2 in a short
// sweep); EAMSGD's Nesterov momentum δ = 0.99 takes a tenth of it.
const NETWORK = ['--set', 'hidden=[256]', '--set', 'optimizer=momentum', '--batch-size', '128'];
const CASES = [
  { name: '1 worker, momentum SGD', args: ['--lr', '0.05'] },
  { name: 'EASGD p=2 τ=4', args: ['--lr', '0.2', '--parallel', 'easgd', '--workers', '2', '--tau', '4'] },
  { name: 'EASGD p=2 τ=16', args: ['--lr', '0.2', '--parallel', 'easgd', '--workers', '2', '--tau', '16'] },
  { name: 'EAMSGD p=2 τ=4', args: ['--lr', '0.02', '--parallel', 'eamsgd', '--workers', '2', '--tau', '4'] },
  {
    name: 'EAMSGD p=2 τ=16',
    args: ['--lr', '0.02', '--parallel', 'eamsgd', '--workers', '2', '--tau', '16'],
  },
  {
    name: 'DOWNPOUR p=2 τ=1',
    args: ['--lr', '0.05', '--parallel', 'downpour', '--workers', '2', '--tau', '1'],
  },
];

function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** One case: its epochs' cumulative training seconds and test accuracy, and the load it ran under. */
async function runCase(c) {
  const out = mkdtempSync(join(tmpdir(), 'plasticity-bench-easgd-'));
  const loads = [];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 2000);
  try {
    const args = ['train', 'backprop', '--dataset', 'mnist', ...NETWORK, ...c.args];
    const run = await runCli([
      ...args,
      '--epochs',
      String(EPOCHS),
      '--backend',
      'wasm',
      '--seed',
      '0',
      '--no-download',
      '--json',
      '-q',
      '--overwrite',
      '--out',
      join(out, 'run'),
    ]);
    if (run.code !== 0) return { name: c.name, error: run.stderr.trim().split('\n').pop() };
    let seconds = 0;
    const epochs = readFileSync(join(out, 'run', 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((r) => r.type === 'epoch')
      .map((r) => ({ epoch: r.epoch, seconds: (seconds += r.seconds), accuracy: r.test.accuracy }));
    const reached = epochs.find((e) => e.accuracy >= TARGET);
    return {
      name: c.name,
      command: `plasticity ${args.join(' ')}`,
      epochs,
      toTarget: reached ? { epoch: reached.epoch, seconds: reached.seconds } : undefined,
      load: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : loadavg()[0],
    };
  } finally {
    clearInterval(sampler);
    rmSync(out, { recursive: true, force: true });
  }
}

/** Accuracy of a run's center at `seconds` of training (the last epoch finished by then). */
const accuracyAt = (r, seconds) => [...r.epochs].reverse().find((e) => e.seconds <= seconds)?.accuracy;
const accuracyAfter = (r, epoch) => r.epochs.find((e) => e.epoch === epoch)?.accuracy;
const pct = (x) => (x === undefined ? '–' : `${(100 * x).toFixed(2)} %`);

/**
 * The median run of a case's repeats, ordered by time to the target (a run that never reached it
 * counts as slowest), with every run's time beside it. One run per case is coarse: the order in
 * which the threads' steps reach the center moves the crossing by whole epochs.
 */
export function medianRun(runs) {
  const ok = runs.filter((r) => !r.error);
  if (ok.length === 0) return runs[0];
  const time = (r) => (r.toTarget ? r.toTarget.seconds : Infinity);
  const sorted = [...ok].sort((a, b) => time(a) - time(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, runs: ok.map((r) => (r.toTarget ? r.toTarget.seconds : null)) };
}

/** Runs the suite (each case `repeats` times, interleaved); returns its results and prints a table unless `json`. */
export async function runEasgdSuite({ json, progress, repeats = 1 }) {
  const runs = CASES.map(() => []);
  // Rounds over all cases rather than one case's repeats in a row: drifts in load hit every case.
  for (let round = 0; round < repeats; round++) {
    for (const [i, c] of CASES.entries()) {
      runs[i].push(await runCase(c));
      progress();
    }
  }
  const results = runs.map(medianRun);
  const reference = results[0];
  for (const r of results) {
    if (r.error || reference.error || !reference.toTarget) continue;
    if (r.toTarget) r.speedup = reference.toTarget.seconds / r.toTarget.seconds;
    r.atReferenceTime = accuracyAt(r, reference.toTarget.seconds);
    r.atReferenceSamples = accuracyAfter(r, reference.toTarget.epoch);
  }
  if (!json) {
    const rows = [
      [
        'run',
        `to ${pct(TARGET)}`,
        'epochs',
        'speed-up',
        'at equal time',
        'at equal samples',
        'load',
        'each run',
      ],
    ];
    for (const r of results) {
      rows.push(
        r.error
          ? [r.name, 'error', '', '', '', '', r.error, '']
          : [
              r.name,
              r.toTarget ? `${r.toTarget.seconds.toFixed(1)} s` : `not in ${EPOCHS} epochs`,
              r.toTarget ? r.toTarget.epoch : '',
              r.speedup ? `${r.speedup.toFixed(2)}x` : '',
              pct(r.atReferenceTime),
              pct(r.atReferenceSamples),
              r.load.toFixed(1),
              (r.runs ?? []).map((t) => (t === null ? '–' : t.toFixed(1))).join(' '),
            ],
      );
    }
    printTable(
      'easgd: MNIST 784-256-10 backprop, one process vs two worker threads around a center (wasm, through the CLI)',
      rows,
      '(the median of each case\'s runs by time to the target; speed-up and "at equal time/samples" are against the first row: its time and epochs to the target; load = mean 1-min load average during the run; each run: seconds to the target)',
    );
  }
  return results;
}
