import { PlasticityError } from '@plasticity/core-tensors';
import type {
  ExperimentChart,
  ExperimentContext,
  ExperimentPlugin,
  ExperimentResult,
  ExperimentTable,
} from '@plasticity/core-tensors';
import { binKernel, compareKernels, DEFAULT_KERNEL_BINS, weightDependence } from './binning.js';
import type { KernelTable } from './binning.js';
import { MILSTEIN_2021_PARAMS, MILSTEIN_2021_TARGETS, MILSTEIN_2021_TRACK } from './constants.js';
import type { TrackProtocol } from './constants.js';
import { parseKernelCsv } from './data.js';
import { inductionMaps, inductionSetup, induceWeights, silentWeights } from './induction.js';
import { modelKernelSamples } from './model-cells.js';
import { placeFieldOptionsSchema } from './options.js';
import type { PlaceFieldOptions } from './options.js';
import { offsetBefore, rampFromWeights, rampPeak } from './ramp.js';
import { circularOffset, positionGrid, rateMaps } from './track.js';

/** Readout grid: 1 cm bins. */
const READOUT_BINS = 187;
/** Bins compared with the data need this many samples on both sides. */
const MIN_BIN_COUNT = 5;

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

function checkAborted(context: ExperimentContext): void {
  if (context.signal?.aborted) throw context.signal.reason;
}

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
  const dataText = options.data === undefined ? undefined : await readData(options.data, context);
  const data = dataText === undefined ? undefined : parseKernelCsv(dataText, options.data);
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
  const laps = induceWeights(params, firstMaps, silentWeights(track.inputs));
  const lapRamps = laps.map((w) => rampFromWeights(track, w, rates));
  const lapPeaks = lapRamps.map((r) => rampPeak(r, positions, track.trackLength));
  const lapOffsets = lapPeaks.map((p) =>
    offsetBefore(p.position, options.plateauPosition, track.trackLength),
  );
  checkAborted(context);

  context.onProgress?.('second induction', 0.3);
  const second = inductionSetup(params, track, options.secondPosition, options.laps);
  const fieldWeights = laps[laps.length - 1];
  const moved = induceWeights(params, inductionMaps(params, second, options.rule), fieldWeights);
  const rampBefore = lapRamps[lapRamps.length - 1];
  const rampAfter = rampFromWeights(track, moved[moved.length - 1], rates);
  const change = rampAfter.map((v, k) => v - rampBefore[k]);
  const oldPeak = lapPeaks[lapPeaks.length - 1];
  const newPeak = rampPeak(rampAfter, positions, track.trackLength);
  const nearestBin = (x: number): number =>
    Math.floor(
      (((x % track.trackLength) + track.trackLength) % track.trackLength) /
        (track.trackLength / READOUT_BINS),
    );
  const secondInduction = {
    position: options.secondPosition,
    potentiationMv: round(Math.max(...change)),
    potentiationAtCm: round(positions[change.indexOf(Math.max(...change))], 1),
    depressionMv: round(Math.min(...change)),
    depressionAtCm: round(positions[change.indexOf(Math.min(...change))], 1),
    changeAtOldPeakMv: round(change[nearestBin(oldPeak.position)]),
    changeAtNewPlateauMv: round(change[nearestBin(options.secondPosition)]),
    newRampPeakMv: round(newPeak.amplitude),
    newPeakOffsetBeforePlateauCm: round(
      offsetBefore(newPeak.position, options.secondPosition, track.trackLength),
    ),
  };
  checkAborted(context);

  context.onProgress?.('model cells with existing fields', 0.6);
  const modelSamples = modelKernelSamples(
    params,
    track,
    firstMaps,
    options.plateauPosition,
    positions,
    rates,
  );
  const modelTable = binKernel(modelSamples, DEFAULT_KERNEL_BINS);
  const modelSignature = weightDependence(modelSamples);
  checkAborted(context);

  const dataTable = data === undefined ? undefined : binKernel(data, DEFAULT_KERNEL_BINS);
  const agreement =
    dataTable === undefined ? undefined : compareKernels(modelTable, dataTable, MIN_BIN_COUNT);
  const dataSignature = data === undefined ? undefined : weightDependence(data);
  context.onProgress?.('done', 1);

  const last = lapPeaks.length - 1;
  const figures = {
    rule: options.rule,
    laps: options.laps,
    plateauPositionCm: options.plateauPosition,
    rampPeakMv: round(lapPeaks[last].amplitude),
    peakOffsetBeforePlateauCm: round(lapOffsets[last]),
    rampPeakMvPerLap: lapPeaks.map((p) => round(p.amplitude)),
    peakOffsetBeforePlateauCmPerLap: lapOffsets.map((o) => round(o)),
    targets: { ...MILSTEIN_2021_TARGETS },
    secondInduction,
    modelWeightDependence: roundSignature(modelSignature),
    ...(data === undefined || agreement === undefined || dataTable === undefined
      ? {}
      : {
          data: {
            file: options.data,
            rows: data.length,
            rowsBinned: dataTable.count.reduce((s, row) => s + row.reduce((a, c) => a + c, 0), 0),
            pearson: round(agreement.pearson),
            rmsErrorMv: round(agreement.rmsError),
            binsCompared: agreement.binsCompared,
            minSamplesPerBin: MIN_BIN_COUNT,
            timeBinEdgesS: [...DEFAULT_KERNEL_BINS.timeEdges],
            initialRampBinEdgesMv: [...DEFAULT_KERNEL_BINS.rampEdges],
            weightDependence: roundSignature(dataSignature!),
          },
        }),
  };

  const lapTimes = (centre: number): number =>
    circularOffset(options.plateauPosition, centre, track.trackLength) / track.runSpeed;
  const order = Array.from(first.centres.keys()).sort(
    (a, b) => lapTimes(first.centres[a]) - lapTimes(first.centres[b]),
  );
  const curve = (ys: Float64Array): [number, number][] =>
    Array.from(positions, (x, k) => [round(x, 2), round(ys[k])]);

  const charts: ExperimentChart[] = [
    {
      title: 'Ramp vs position after each induction lap',
      xLabel: 'position (cm)',
      yLabel: 'ramp depolarisation (mV)',
      series: lapRamps.map((r, k) => ({ name: `lap ${k + 1}`, points: curve(r) })),
      caption: `A silent cell (W = 1) with a ${options.plateauDuration * 1000} ms plateau at ${options.plateauPosition} cm on each lap (${options.rule} rule); ramp = rsf · Σ (W_i − 1) r_i(x). Published target: ${MILSTEIN_2021_TARGETS.rampPeakMv} mV, ${MILSTEIN_2021_TARGETS.peakOffsetBeforePlateauCm} cm before the plateau after lap 3.`,
    },
    {
      title: 'Weight change vs time from plateau (per input)',
      xLabel: 'time from plateau onset at the input field centre (s)',
      yLabel: 'weight change W − 1',
      series: laps.map((w, k) => ({
        name: `after lap ${k + 1}`,
        points: order.map((i) => [round(lapTimes(first.centres[i]), 3), round(w[i] - 1)] as [number, number]),
      })),
      caption:
        'Each of the 200 inputs at the time the animal reaches its field centre relative to plateau onset (negative: before). Inputs a few seconds before and after the plateau potentiate; the asymmetry comes from the long eligibility trace.',
    },
    kernelChart(modelTable, dataTable),
    {
      title: 'Second induction: the field moves',
      xLabel: 'position (cm)',
      yLabel: 'ramp depolarisation (mV)',
      series: [
        { name: 'before (after the first induction)', points: curve(rampBefore) },
        { name: `after ${options.laps} plateaus at ${options.secondPosition} cm`, points: curve(rampAfter) },
        { name: 'change', points: curve(change), dashed: true },
      ],
      caption: `Potentiation at the new place (${secondInduction.potentiationMv} mV) and depression at the old field (${secondInduction.changeAtOldPeakMv} mV at its former peak): the rule is bidirectional because it depends on the current weight.`,
    },
  ];

  const tables: ExperimentTable[] = [
    {
      title: 'Measured figures vs published targets',
      columns: ['figure', 'model', 'target'],
      rows: [
        ['ramp peak after the last lap (mV)', figures.rampPeakMv, MILSTEIN_2021_TARGETS.rampPeakMv],
        [
          'peak before the plateau (cm)',
          figures.peakOffsetBeforePlateauCm,
          MILSTEIN_2021_TARGETS.peakOffsetBeforePlateauCm,
        ],
        ['second induction: potentiation (mV)', secondInduction.potentiationMv, '> 0'],
        ['second induction: change at the old peak (mV)', secondInduction.changeAtOldPeakMv, '< 0'],
        ...(agreement === undefined
          ? []
          : [
              ['binned kernel vs data: Pearson r', round(agreement.pearson), '—'],
              ['binned kernel vs data: RMS error (mV)', round(agreement.rmsError), '—'],
            ]),
      ],
    },
    kernelTable('Model: mean delta ramp (mV) per bin', modelTable),
    ...(dataTable === undefined ? [] : [kernelTable('Data: mean delta ramp (mV) per bin', dataTable)]),
  ];
  return { figures, charts, tables };
}

async function readData(path: string, context: ExperimentContext): Promise<string> {
  if (context.readText === undefined) {
    throw new PlasticityError(
      'E_USAGE',
      `option data ('${path}') needs a host that reads files (the CLI does); this context has no readText`,
    );
  }
  return context.readText(path);
}

function roundSignature(s: ReturnType<typeof weightDependence>) {
  return {
    withinS: 2,
    lowInitialRampBelowMv: 2,
    highInitialRampFromMv: 8,
    lowMeanDeltaMv: round(s.lowMeanMv),
    lowCount: s.lowCount,
    highMeanDeltaMv: round(s.highMeanMv),
    highCount: s.highCount,
  };
}

function rampBinNames(table: KernelTable): string[] {
  const e = table.bins.rampEdges;
  return Array.from({ length: e.length + 1 }, (_, r) =>
    r === 0 ? `< ${e[0]} mV` : r === e.length ? `≥ ${e[r - 1]} mV` : `${e[r - 1]}–${e[r]} mV`,
  );
}

function timeBinCentres(table: KernelTable): number[] {
  const e = table.bins.timeEdges;
  return e.slice(1).map((hi, k) => (e[k] + hi) / 2);
}

function kernelChart(model: KernelTable, data: KernelTable | undefined): ExperimentChart {
  const names = rampBinNames(model);
  const centres = timeBinCentres(model);
  const series = (table: KernelTable, label: string, dashed: boolean) =>
    names.map((name, r) => ({
      name: `${label}, initial ramp ${name}`,
      dashed,
      points: centres.map(
        (t, k) => [t, table.count[r][k] >= MIN_BIN_COUNT ? round(table.mean[r][k]) : NaN] as [number, number],
      ),
    }));
  return {
    title: 'Plasticity kernel: delta ramp vs time from plateau, by initial ramp',
    xLabel: 'time from plateau onset (s)',
    yLabel: 'mean change of ramp (mV)',
    series: [...series(model, 'model', false), ...(data === undefined ? [] : series(data, 'data', true))],
    caption:
      'Spatial bins binned by when the animal passed them relative to plateau onset (1 s bins) and by their ramp before the induction; mean change per bin (bins with fewer than 5 samples left out). Model: a silent cell and cells with existing fields at every position; data (dashed): Milstein et al. 2021.',
  };
}

function kernelTable(title: string, table: KernelTable): ExperimentTable {
  const centres = timeBinCentres(table);
  const e = table.bins.timeEdges;
  return {
    title,
    columns: ['initial ramp', ...centres.map((_, k) => `[${e[k]}, ${e[k + 1]}) s`)],
    rows: rampBinNames(table).map((name, r) => [
      name,
      ...centres.map((_, k) =>
        table.count[r][k] > 0 ? `${table.mean[r][k].toFixed(2)} (n=${table.count[r][k]})` : '—',
      ),
    ]),
  };
}
