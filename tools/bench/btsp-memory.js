// Suite `btsp-memory`: one-shot binary BTSP memory (@plasticity/rule-btsp). Store throughput,
// and recall throughput of the packed popcount recall against float32 recall of the same
// weights in the same process: sums over the cue's active rows of a Float32Array, and a dense
// tfjs matMul of a cue batch on each backend. Outputs are checked equal.
import { initBackend } from '@plasticity/core-tensors';
import { benchmarkBtspRecall } from './dist/btsp-recall.js';
import { printTable, rate, mb } from './table.js';

const SIZES = [
  {
    label: 'paper scale, 4,000 outputs',
    inputs: 25_000,
    outputs: 4_000,
    density: 0.005,
    plateauProbability: 0.005,
    connectivity: 0.6,
    threshold: 33,
    items: 20_000,
    batch: 32,
  },
  {
    label: 'scaled (test) configuration',
    inputs: 5_000,
    outputs: 2_000,
    density: 0.025,
    plateauProbability: 0.005,
    connectivity: 0.6,
    threshold: 33,
    items: 3_000,
    batch: 64,
  },
];

export async function runBtspMemorySuite({ backends, seconds, json, progress }) {
  const results = [];
  for (const backend of backends.filter((b) => b === 'wasm' || b === 'cpu')) {
    await initBackend(backend);
    for (const size of SIZES) {
      const row = { backend, size: size.label, network: `${size.inputs}x${size.outputs}`, items: size.items };
      try {
        const cost = await benchmarkBtspRecall({ ...size, seconds: Math.min(seconds, 2), minRounds: 2 });
        results.push({
          ...row,
          ...cost,
          vsMatmul: cost.popcountCuesPerSecond / cost.matmulCuesPerSecond,
          vsFloatRows: cost.popcountCuesPerSecond / cost.floatRowsCuesPerSecond,
          error: cost.agree ? undefined : 'recall methods disagree',
        });
      } catch (error) {
        results.push({ ...row, error: String(error?.message ?? error) });
      }
      progress();
    }
  }
  if (!json) {
    const rows = [
      [
        'backend',
        'network',
        'items',
        'store items/s',
        'popcount cues/s',
        'float rows cues/s',
        'matmul cues/s',
        'vs matmul',
        'vs float rows',
        'packed MB',
        'float MB',
      ],
    ];
    for (const r of results) {
      rows.push(
        r.popcountCuesPerSecond === undefined
          ? [r.backend, r.network, r.items, 'error', '', '', '', '', '', '', r.error]
          : [
              r.backend,
              r.network,
              r.items,
              rate(r.storeItemsPerSecond),
              rate(r.popcountCuesPerSecond),
              rate(r.floatRowsCuesPerSecond),
              rate(r.matmulCuesPerSecond),
              `${r.vsMatmul.toFixed(1)}x`,
              `${r.vsFloatRows.toFixed(1)}x`,
              mb(r.packedBytes),
              mb(r.floatBytes),
            ],
      );
    }
    printTable(
      'btsp-memory: one-shot binary memory, packed popcount recall vs float32 recall of the same weights',
      rows,
      '(popcount: one cue at a time, bit-sliced counters; float rows: Σ over active rows of a Float32Array; matmul: tfjs, batches of 32/64 cues)',
    );
  }
  return results;
}
