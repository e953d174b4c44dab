import { PlasticityError } from '@plasticity/core-tensors';
import type { ExperimentContext, ExperimentPlugin, ExperimentResult } from '@plasticity/core-tensors';
import { binKernel, compareKernels, DEFAULT_KERNEL_BINS, weightDependence } from './binning.js';
import { MILSTEIN_2021_PARAMS, MILSTEIN_2021_TRACK } from './constants.js';
import type { TrackProtocol } from './constants.js';
import { parseKernelCsv } from './data.js';
import type { KernelSample } from './data.js';
import { fieldShift } from './field-shift.js';
import { inductionMaps, inductionSetup, induceWeights, silentWeights } from './induction.js';
import { modelKernelSamples } from './model-cells.js';
import { placeFieldOptionsSchema } from './options.js';
import type { PlaceFieldOptions } from './options.js';
import { offsetBefore, rampFromWeights, rampPeak } from './ramp.js';
import { placeFieldCharts, placeFieldFigures, placeFieldTables } from './report.js';
import type { PlaceFieldMeasurement } from './report.js';
import { circularOffset, positionGrid, rateMaps } from './track.js';

/** Readout grid: 1 cm bins. */
const READOUT_BINS = 187;
/** Bins compared with the data need this many samples on both sides. */
const MIN_BIN_COUNT = 5;

export const btspPlaceFieldExperiment: ExperimentPlugin<PlaceFieldOptions> = {
  name: 'btsp-place-field',
  summary:
    'Place-field induction with the weight-dependent BTSP rule of Milstein et al. (eLife 2021): a silent CA1 cell gets a field from 3 plateaus, a second induction moves it; optionally compared with the measured plasticity kernel.',
  optionsSchema: placeFieldOptionsSchema,
  package: { name: '@plasticity/rule-btsp' },
  run: runPlaceFieldExperiment,
};

export async function runPlaceFieldExperiment(
  options: PlaceFieldOptions,
  context: ExperimentContext,
): Promise<ExperimentResult> {
  checkAborted(context);
  // Read the data first: a bad path or file fails before any simulation.
  const data = options.data === undefined ? undefined : await readData(options.data, context);
  const measurement = measurePlaceField(options, data, context);
  return {
    figures: placeFieldFigures(measurement),
    charts: placeFieldCharts(measurement),
    tables: placeFieldTables(measurement),
  };
}

function measurePlaceField(
  options: PlaceFieldOptions,
  data: readonly KernelSample[] | undefined,
  context: ExperimentContext,
): PlaceFieldMeasurement {
  const params = MILSTEIN_2021_PARAMS;
  const track: TrackProtocol = {
    ...MILSTEIN_2021_TRACK,
    runSpeed: options.runSpeed,
    plateauDuration: options.plateauDuration,
  };
  const positions = positionGrid(track.trackLength, READOUT_BINS);

  context.onProgress?.('first induction', 0);
  const first = inductionSetup(params, track, options.plateauPosition, options.laps);
  const rates = rateMaps(track, first.centres, positions);
  const firstMaps = inductionMaps(params, first, options.rule);
  const lapWeights = induceWeights(params, firstMaps, silentWeights(track.inputs));
  const lapRamps = lapWeights.map((w) => rampFromWeights(track, w, rates));
  const lapPeaks = lapRamps.map((r) => rampPeak(r, positions, track.trackLength));
  const lapOffsets = lapPeaks.map((p) =>
    offsetBefore(p.position, options.plateauPosition, track.trackLength),
  );
  checkAborted(context);

  context.onProgress?.('second induction', 0.3);
  const second = inductionSetup(params, track, options.secondPosition, options.laps);
  const moved = induceWeights(
    params,
    inductionMaps(params, second, options.rule),
    lapWeights[lapWeights.length - 1],
  );
  const rampBefore = lapRamps[lapRamps.length - 1];
  const rampAfter = rampFromWeights(track, moved[moved.length - 1], rates);
  const newPeak = rampPeak(rampAfter, positions, track.trackLength);
  const shift = fieldShift(
    positions,
    rampBefore,
    rampAfter,
    lapPeaks[lapPeaks.length - 1].position,
    options.secondPosition,
    track.trackLength,
  );
  checkAborted(context);

  context.onProgress?.('model cells with existing fields', 0.6);
  const samples = modelKernelSamples(params, track, firstMaps, options.plateauPosition, positions, rates);
  const modelTable = binKernel(samples, DEFAULT_KERNEL_BINS);
  checkAborted(context);
  const dataTable = data === undefined ? undefined : binKernel(data, DEFAULT_KERNEL_BINS);
  context.onProgress?.('done', 1);

  return {
    options,
    positions,
    inputTimes: first.centres.map(
      (c) => circularOffset(options.plateauPosition, c, track.trackLength) / track.runSpeed,
    ),
    lapWeights,
    lapRamps,
    lapPeaks,
    lapOffsets,
    second: {
      rampBefore,
      rampAfter,
      shift,
      peak: newPeak,
      offset: offsetBefore(newPeak.position, options.secondPosition, track.trackLength),
    },
    model: { table: modelTable, signature: weightDependence(samples) },
    data:
      data === undefined || dataTable === undefined
        ? undefined
        : {
            rows: data.length,
            table: dataTable,
            agreement: compareKernels(modelTable, dataTable, MIN_BIN_COUNT),
            signature: weightDependence(data),
          },
    minBinCount: MIN_BIN_COUNT,
  };
}

async function readData(path: string, context: ExperimentContext): Promise<KernelSample[]> {
  if (context.readText === undefined) {
    throw new PlasticityError(
      'E_USAGE',
      `option data ('${path}') needs a host that reads files (the CLI does); this context has no readText`,
    );
  }
  return parseKernelCsv(await context.readText(path), path);
}

function checkAborted(context: ExperimentContext): void {
  if (context.signal?.aborted) throw context.signal.reason;
}
