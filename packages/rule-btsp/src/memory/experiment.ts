import {
  createRng,
  type ExperimentContext,
  type ExperimentPlugin,
  type ExperimentResult,
  type Rng,
} from '@plasticity/core-tensors';
import {
  createBinaryMemory,
  drawPlateaus,
  recallBinary,
  storeBinaryItem,
  binaryWeightFraction,
  weightFractionClosedForm,
  type BinaryMemoryParams,
} from './binary-memory.js';
import {
  binariseHopfield,
  createHopfield,
  recallBinarisedHopfield,
  recallHopfield,
  storeHopfield,
  type HopfieldRecallParams,
} from './hopfield.js';
import { recallDistance } from './metrics.js';
import { btspMemoryOptionsSchema, checkOptions, hopfieldSize, type BtspMemoryOptions } from './options.js';
import { activeOf, randomPatterns, removeFraction, type SparsePatterns } from './patterns.js';

/** The continuous Hopfield fires above this fraction of the pattern density (the authors' 0.4·fp). */
const HOPFIELD_FIELD_THRESHOLD = 0.4;
/**
 * The binarised Hopfield fires when over 90 % of the active units reach it through 1-weights (a
 * Willshaw-style threshold: the units of a stored pattern get all of them).
 */
const HOPFIELD_BINARY_THRESHOLD = 0.9;
const HOPFIELD_ITERATIONS = 10;

export interface BtspMemoryPoint {
  readonly items: number;
  readonly relativeDistance: number;
  readonly withinDistance: number;
  readonly betweenDistance: number;
  readonly outputDensity: number;
  readonly weightFraction: number;
  readonly weightFractionClosedForm: number;
  readonly hopfieldContinuous?: number;
  readonly hopfieldBinarised?: number;
}

/** `count` distinct item indices below `stored` (all of them when count ≥ stored). */
function pickItems(stored: number, count: number, rng: Rng): number[] {
  if (count >= stored) return Array.from({ length: stored }, (_, k) => k);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(stored));
  return [...picked];
}

/** Lets an abort or a progress repaint through between stages. */
async function checkpoint(context: ExperimentContext): Promise<void> {
  context.signal?.throwIfAborted();
  await new Promise((resolve) => setTimeout(resolve, 0));
  context.signal?.throwIfAborted();
}

/** Runs the experiment with options already parsed by `btspMemoryOptionsSchema`. */
export async function runBtspMemory(
  options: BtspMemoryOptions,
  context: ExperimentContext,
): Promise<ExperimentResult> {
  const at = checkOptions(options);
  const started = performance.now();
  const rng = createRng(context.seed);
  const params: BinaryMemoryParams = {
    inputs: options.inputs,
    outputs: options.outputs,
    connectivity: options.connectivity,
    plateauProbability: options.plateauProbability,
    threshold: options.threshold,
    variant: options.variant,
  };
  const largest = at[at.length - 1];
  context.onProgress?.('drawing the connectivity mask and the items', 0);
  const memory = createBinaryMemory(params, rng.fork('mask'));
  const patterns: SparsePatterns = randomPatterns(
    largest,
    options.inputs,
    options.density,
    rng.fork('items'),
  );
  const plateauRng = rng.fork('plateaus');
  const cueRng = rng.fork('cues');
  const size = hopfieldSize(options);
  const hopfield = size > 0 ? createHopfield(size, options.density, largest) : undefined;
  const continuous: HopfieldRecallParams = {
    threshold: HOPFIELD_FIELD_THRESHOLD * options.density,
    iterations: HOPFIELD_ITERATIONS,
  };
  const binarised: HopfieldRecallParams = {
    threshold: HOPFIELD_BINARY_THRESHOLD,
    iterations: HOPFIELD_ITERATIONS,
  };

  let storeMs = 0;
  let recallMs = 0;
  let recalls = 0;
  let hopfieldMs = 0;
  let stored = 0;
  const points: BtspMemoryPoint[] = [];
  for (const [index, items] of at.entries()) {
    await checkpoint(context);
    context.onProgress?.(`storing items ${stored + 1}–${items}`, index / at.length);
    let t = performance.now();
    for (; stored < items; stored++) {
      storeBinaryItem(memory, activeOf(patterns, stored), drawPlateaus(params, plateauRng));
    }
    storeMs += performance.now() - t;

    context.onProgress?.(
      `recalling ${Math.min(options.cues, items)} items at M = ${items}`,
      (index + 0.5) / at.length,
    );
    const tested = pickItems(items, options.cues, cueRng);
    const cues = tested.map((k) => ({
      full: activeOf(patterns, k),
      partial: removeFraction(activeOf(patterns, k), options.removed, cueRng),
    }));
    t = performance.now();
    const full = cues.map((c) => recallBinary(memory, c.full));
    const partial = cues.map((c) => recallBinary(memory, c.partial));
    recallMs += performance.now() - t;
    recalls += 2 * cues.length;
    const btsp = recallDistance(full, partial, options.outputs);

    let hopfieldPoint: Pick<BtspMemoryPoint, 'hopfieldContinuous' | 'hopfieldBinarised'> = {};
    if (hopfield) {
      await checkpoint(context);
      context.onProgress?.(`Hopfield baseline at M = ${items}`, (index + 0.75) / at.length);
      t = performance.now();
      for (let k = hopfield.stored; k < items; k++) storeHopfield(hopfield, activeOf(patterns, k));
      const few = cues.slice(0, options.hopfieldCues);
      const measure = (recallOne: (cue: ArrayLike<number>) => Uint32Array): number =>
        recallDistance(
          few.map((c) => recallOne(c.full)),
          few.map((c) => recallOne(c.partial)),
          size,
        ).relative;
      const packed = binariseHopfield(hopfield);
      hopfieldPoint = {
        hopfieldContinuous: measure((cue) => recallHopfield(hopfield, cue, continuous)),
        hopfieldBinarised: measure((cue) => recallBinarisedHopfield(packed, cue, binarised)),
      };
      hopfieldMs += performance.now() - t;
    }
    points.push({
      items,
      relativeDistance: btsp.relative,
      withinDistance: btsp.within,
      betweenDistance: btsp.between,
      outputDensity: btsp.outputDensity,
      weightFraction: binaryWeightFraction(memory),
      weightFractionClosedForm: weightFractionClosedForm(
        options.variant,
        options.plateauProbability,
        options.density,
        items,
      ),
      ...hopfieldPoint,
    });
  }
  context.onProgress?.('done', 1);
  const seconds = (performance.now() - started) / 1000;
  return report(options, context.seed, points, {
    weightBytes: memory.weights.byteLength,
    maskBytes: memory.mask.byteLength,
    storeSeconds: storeMs / 1000,
    storeItemsPerSecond: stored / (storeMs / 1000),
    recallCuesPerSecond: recalls / (recallMs / 1000),
    hopfieldSize: size,
    hopfieldSeconds: hopfieldMs / 1000,
    totalSeconds: seconds,
  });
}

interface Costs {
  readonly weightBytes: number;
  readonly maskBytes: number;
  readonly storeSeconds: number;
  readonly storeItemsPerSecond: number;
  readonly recallCuesPerSecond: number;
  readonly hopfieldSize: number;
  readonly hopfieldSeconds: number;
  readonly totalSeconds: number;
}

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

function report(
  options: BtspMemoryOptions,
  seed: number,
  points: readonly BtspMemoryPoint[],
  costs: Costs,
): ExperimentResult {
  const withHopfield = costs.hopfieldSize > 0;
  const figures = {
    seed,
    inputs: options.inputs,
    outputs: options.outputs,
    density: options.density,
    plateauProbability: options.plateauProbability,
    connectivity: options.connectivity,
    threshold: options.threshold,
    removed: options.removed,
    variant: options.variant,
    cues: options.cues,
    relativeDistance: Object.fromEntries(points.map((p) => [p.items, round(p.relativeDistance)])),
    weightFraction: Object.fromEntries(points.map((p) => [p.items, round(p.weightFraction)])),
    weightFractionClosedForm: Object.fromEntries(
      points.map((p) => [p.items, round(p.weightFractionClosedForm)]),
    ),
    outputDensity: Object.fromEntries(points.map((p) => [p.items, round(p.outputDensity)])),
    hopfield: withHopfield
      ? {
          size: costs.hopfieldSize,
          cues: options.hopfieldCues,
          continuous: Object.fromEntries(points.map((p) => [p.items, round(p.hopfieldContinuous ?? NaN)])),
          binarised: Object.fromEntries(points.map((p) => [p.items, round(p.hopfieldBinarised ?? NaN)])),
          seconds: round(costs.hopfieldSeconds, 3),
        }
      : null,
    bytes: { weights: costs.weightBytes, mask: costs.maskBytes, total: costs.weightBytes + costs.maskBytes },
    seconds: { store: round(costs.storeSeconds, 3), total: round(costs.totalSeconds, 3) },
    storeItemsPerSecond: Math.round(costs.storeItemsPerSecond),
    recallCuesPerSecond: Math.round(costs.recallCuesPerSecond),
  };
  const distanceSeries = [
    {
      name: `BTSP (${options.variant}, ${options.outputs} outputs)`,
      points: points.map((p) => [p.items, Math.min(p.relativeDistance, 1)] as const),
    },
  ];
  if (withHopfield) {
    distanceSeries.push(
      {
        name: `Hopfield, continuous weights (${costs.hopfieldSize} units)`,
        points: points.map((p) => [p.items, Math.min(p.hopfieldContinuous ?? NaN, 1)] as const),
      },
      {
        name: `Hopfield, binarised weights (${costs.hopfieldSize} units)`,
        points: points.map((p) => [p.items, Math.min(p.hopfieldBinarised ?? NaN, 1)] as const),
      },
    );
  }
  const removedPercent = Math.round(options.removed * 100);
  return {
    figures,
    charts: [
      {
        title: 'Recall from a partial cue vs items stored',
        xLabel: 'items stored M',
        yLabel: 'relative Hamming distance',
        logX: true,
        series: distanceSeries,
        caption: `Hamming distance between the outputs for a full cue and for the cue with ${removedPercent} % of its active bits removed, over the mean distance between the outputs of different items (${options.cues} stored items per point${withHopfield ? `, ${options.hopfieldCues} for the Hopfield network` : ''}). Values above 1 (farther than another item's output) are drawn at 1.`,
      },
      {
        title: 'Fraction of 1-weights vs items stored',
        xLabel: 'items stored M',
        yLabel: 'fraction of connected synapses at 1',
        series: [
          { name: 'measured', points: points.map((p) => [p.items, p.weightFraction] as const) },
          {
            name:
              options.variant === 'toggle'
                ? 'closed form (1 − (1 − 2·fq·fp)^M)/2'
                : 'closed form (1 − (1 − fq·fp)^M)/2',
            points: points.map((p) => [p.items, p.weightFractionClosedForm] as const),
            dashed: true,
          },
        ],
        caption: 'Among connected synapses, after M items stored one-shot.',
      },
    ],
    tables: [
      {
        title: 'Recall and weights per items stored',
        columns: [
          'items M',
          'relative distance',
          'distance full/partial',
          'distance between items',
          'outputs firing',
          '1-weights',
          'closed form',
          ...(withHopfield ? ['Hopfield continuous', 'Hopfield binarised'] : []),
        ],
        rows: points.map((p) => [
          p.items,
          round(p.relativeDistance),
          round(p.withinDistance),
          round(p.betweenDistance),
          round(p.outputDensity),
          round(p.weightFraction),
          round(p.weightFractionClosedForm),
          ...(withHopfield ? [round(p.hopfieldContinuous ?? NaN), round(p.hopfieldBinarised ?? NaN)] : []),
        ]),
      },
    ],
  };
}

/**
 * Wu & Maass (Nat. Commun. 2025): one-shot storage of sparse binary items in binary synapses by
 * BTSP, recall from partial cues as the number of stored items grows.
 */
export const btspMemoryExperiment: ExperimentPlugin<BtspMemoryOptions> = {
  name: 'btsp-memory',
  summary:
    'One-shot content-addressable memory with binary BTSP synapses (Wu & Maass 2025): recall from partial cues and the fraction of 1-weights vs items stored, against a Hopfield network.',
  optionsSchema: btspMemoryOptionsSchema,
  package: { name: '@plasticity/rule-btsp' },
  run: runBtspMemory,
};
