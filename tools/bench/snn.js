// Suite `snn`: EventProp (@plasticity/rule-eventprop) against surrogate-gradient BPTT
// (@plasticity/rule-bptt) on the same networks and input statistics: training
// samples/s and peak memory per step as the simulated time T grows. BPTT keeps every step's
// state for the backward pass (memory ∝ T); EventProp keeps only the spikes (memory ∝ spikes).
// Runs on wasm (the Node default); EventProp's event simulation runs on the host either way.
import { availableParallelism } from 'node:os';
import { initBackend } from '@plasticity/core-tensors';
import { benchmarkBptt } from './dist/bptt.js';
import { benchmarkEventProp } from './dist/eventprop.js';
import { mb, printTable, rate } from './table.js';

// dt 1 ms for BPTT; inputs spike as Poisson trains at `rateHz`.
const NETWORKS = [
  { name: '100-200-10', inputs: 100, hidden: 200, outputs: 10, recurrent: false, batchSize: 32 },
  { name: '700-256r-20 (SHD-like)', inputs: 700, hidden: 256, outputs: 20, recurrent: true, batchSize: 32 },
];
const DURATIONS = [50, 100, 200, 400];
const RATE_HZ = 20;

export async function runSnnSuite({ seconds, json, progress }) {
  await initBackend('wasm');
  const time = Math.min(seconds, 2);
  const results = [];
  for (const net of NETWORKS) {
    for (const duration of DURATIONS) {
      const row = { network: net.name, duration, batchSize: net.batchSize };
      try {
        const ep = await benchmarkEventProp({
          inputs: net.inputs,
          hidden: [{ size: net.hidden, recurrent: net.recurrent }],
          outputs: net.outputs,
          duration,
          input: { kind: 'poisson', rate: RATE_HZ },
          batchSize: net.batchSize,
          seconds: time,
          // One thread, like the BPTT run; the threads table below shows what more cores add.
          config: { threads: 1 },
        });
        const bptt = await benchmarkBptt({
          inputs: net.inputs,
          hidden: [net.hidden],
          outputs: net.outputs,
          recurrent: net.recurrent,
          steps: duration,
          dt: 1,
          inputProbability: RATE_HZ / 1000,
          batchSize: net.batchSize,
          seconds: time,
        });
        results.push({
          ...row,
          // Host spike storage for the backward pass plus the step's tensors (weights' gradients).
          eventprop: {
            samplesPerSecond: ep.samplesPerSecond,
            peakBytes: ep.storedBytesPerBatch + ep.peakStepBytes,
            spikesPerSample: ep.networkSpikes,
          },
          bptt: { samplesPerSecond: bptt.samplesPerSecond, peakBytes: bptt.peakStepBytes },
        });
      } catch (error) {
        results.push({ ...row, error: String(error?.message ?? error) });
      }
      progress();
    }
  }
  const threads = await threadScaling(time, progress);
  if (!json) {
    const rows = [
      [
        'network',
        'T ms',
        'EventProp samples/s',
        'BPTT samples/s',
        'speed ratio',
        'EventProp MB',
        'BPTT MB',
        'memory ratio',
      ],
    ];
    for (const r of results) {
      rows.push(
        r.error
          ? [r.network, r.duration, 'error', '', '', '', '', r.error]
          : [
              r.network,
              r.duration,
              rate(r.eventprop.samplesPerSecond),
              rate(r.bptt.samplesPerSecond),
              `${(r.eventprop.samplesPerSecond / r.bptt.samplesPerSecond).toFixed(1)}x`,
              mb(r.eventprop.peakBytes),
              mb(r.bptt.peakBytes),
              `${(r.bptt.peakBytes / r.eventprop.peakBytes).toFixed(1)}x`,
            ],
      );
    }
    printTable(
      `snn: EventProp vs BPTT training on wasm (batch 32, Poisson input ${RATE_HZ} Hz, BPTT dt 1 ms; memory = peak working memory of one step)`,
      rows,
    );
    printTable(
      `snn: EventProp worker threads (${THREADED.name}, latency input, batch ${THREADED.batchSize}, T ${THREADED.duration} ms; ${availableParallelism()} cores)`,
      [
        ['threads', 'samples/s', 'speed-up'],
        ...threads.map((r) => [
          r.threads,
          rate(r.samplesPerSecond),
          `${(r.samplesPerSecond / threads[0].samplesPerSecond).toFixed(2)}x`,
        ]),
      ],
    );
  }
  return { networks: results, threads };
}

// MNIST-sized: where a batch is large enough for threads to pay off.
const THREADED = { name: '784-350-10', inputs: 784, hidden: 350, outputs: 10, batchSize: 128, duration: 40 };

/** EventProp training samples/s with one thread and with one per core (the `'auto'` default). */
async function threadScaling(time, progress) {
  const counts = [...new Set([1, Math.min(8, availableParallelism())])];
  const out = [];
  for (const threads of counts) {
    const ep = await benchmarkEventProp({
      inputs: THREADED.inputs,
      hidden: [THREADED.hidden],
      outputs: THREADED.outputs,
      duration: THREADED.duration,
      input: { kind: 'latency', t0: 0, span: 30 },
      batchSize: THREADED.batchSize,
      seconds: time,
      config: { threads },
    });
    out.push({ threads, samplesPerSecond: ep.samplesPerSecond });
    progress();
  }
  return out;
}
