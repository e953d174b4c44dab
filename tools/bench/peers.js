/* global process */
// Suite `peers` (only when named): the workloads of the Python tools our users would otherwise
// pick, at one thread and at every core, each case in a process of its own (peers-case.js), with
// the peers' training samples/s (PyTorch 1.13 CPU with OpenBLAS, snnTorch, measured on this
// machine kind) as the reference. Also the backend's own matmul rate in the same process and the
// fraction of it the training loop reaches.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { printTable, rate } from './table.js';

const CASE = join(dirname(fileURLToPath(import.meta.url)), 'peers-case.js');

/** The peers' samples/s by workload and thread count (1, or every core of the 2-core machine). */
export const PEERS = {
  bptt: {
    name: 'surrogate BPTT snnTorch tutorial 784-1000-10 b128',
    peer: 'snnTorch',
    1: 793,
    2: 1_053,
    rssMb: 600,
  },
  mlp: { name: 'backprop MLP 784-800-800-10 b256 Adam', peer: 'PyTorch', 1: 12_225, 2: 20_182 },
  ff: { name: 'Forward-Forward 784-500-500 b1000', peer: 'PyTorch FF (full batch)', 1: 10_750 },
  'ff-threads': {
    name: 'Forward-Forward, its own threads',
    peer: 'PyTorch FF (full batch)',
    1: 10_750,
    onlyParallel: true,
  },
  eventprop: { name: 'EventProp 784-10 T 20 ms b128', peer: 'PyTorch EventProp', 1: 3_103 },
  // No peer figure: the row is the gain from the second thread (needs MNIST in $PLASTICITY_DATA_DIR).
  'eventprop-mnist': { name: 'EventProp MNIST recipe 784-350-10 b128' },
};

async function runCase(workload, threads) {
  const { stdout } = await promisify(execFile)(process.execPath, [CASE, workload, String(threads)], {
    timeout: 300_000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout);
}

export async function runPeersSuite({ json, progress }) {
  const cores = Math.min(availableParallelism(), 8);
  const counts = cores > 1 ? [1, cores] : [1];
  const results = [];
  for (const workload of Object.keys(PEERS)) {
    for (const threads of counts) {
      if (PEERS[workload].onlyParallel && threads === 1) continue;
      try {
        results.push(await runCase(workload, threads));
      } catch (error) {
        results.push({ workload, threads, error: String(error.message).split('\n')[0] });
      }
      progress();
    }
  }
  if (!json) {
    const rows = [
      [
        'workload',
        'threads',
        'samples/s',
        'peer',
        'ours/peer',
        'GFLOP/s',
        'of matmul',
        'peak RSS MB',
        'peer RSS MB',
      ],
    ];
    for (const r of results) {
      const peers = PEERS[r.workload];
      const peer = peers[r.threads] ?? peers[1];
      const peerCells =
        peer === undefined
          ? ['–', r.gainOverOne ? `${r.gainOverOne.toFixed(2)}x of 1 thr (same process)` : '–']
          : [
              `${rate(peer)} (${peers[r.threads] ? r.threads : 1} thr)`,
              `${(r.samplesPerSecond / peer).toFixed(2)}x`,
            ];
      rows.push(
        r.error
          ? [peers.name, String(r.threads), 'error', '', '', '', '', r.error, '']
          : [
              peers.name,
              String(r.threads),
              rate(r.samplesPerSecond),
              ...peerCells,
              r.gflops ? r.gflops.toFixed(1) : '–',
              r.gflops
                ? `${Math.round((100 * r.gflops) / r.matmulGflops)} % of ${r.matmulGflops.toFixed(1)}`
                : '–',
              r.peakRssMb.toFixed(0),
              peers.rssMb ? String(peers.rssMb) : '–',
            ],
      );
    }
    printTable(
      'peers: our training throughput against the Python peers (wasm; each case in its own process)',
      rows,
      "(threads: the wasm backend's; the rule's own for eventprop and ff-threads; \"of matmul\": the training loop's rate against a 256x800x800 product on the same threads, times the threads for a rule's own)",
    );
  }
  return results;
}
