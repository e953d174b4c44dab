import type { ExperimentChart, ExperimentTable } from '@plasticity/core-tensors';
import { DEFAULT_WEIGHT_DEPENDENCE_BINS } from './binning.js';
import type { KernelAgreement, KernelTable, WeightDependence } from './binning.js';
import { MILSTEIN_2021_TARGETS } from './constants.js';
import type { FieldShift } from './field-shift.js';
import type { PlaceFieldOptions } from './options.js';
import type { RampPeak } from './ramp.js';

/** Everything the experiment measured, before it is turned into figures, charts and tables. */
export interface PlaceFieldMeasurement {
  readonly options: PlaceFieldOptions;
  /** Readout bin centres (cm). */
  readonly positions: Float64Array;
  /** Each input's time from plateau onset at its field centre (s). */
  readonly inputTimes: Float64Array;
  /** Weights W after each lap of the first induction. */
  readonly lapWeights: readonly Float64Array[];
  readonly lapRamps: readonly Float64Array[];
  readonly lapPeaks: readonly RampPeak[];
  /** Peak offset before the plateau (cm), per lap. */
  readonly lapOffsets: readonly number[];
  readonly second: {
    readonly rampBefore: Float64Array;
    readonly rampAfter: Float64Array;
    readonly shift: FieldShift;
    readonly peak: RampPeak;
    readonly offset: number;
  };
  readonly model: { readonly table: KernelTable; readonly signature: WeightDependence };
  readonly data?: {
    readonly rows: number;
    readonly table: KernelTable;
    readonly agreement: KernelAgreement;
    readonly signature: WeightDependence;
  };
  /** Bins compared with the data need this many samples on both sides. */
  readonly minBinCount: number;
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export function placeFieldFigures(m: PlaceFieldMeasurement): Record<string, unknown> {
  const last = m.lapPeaks.length - 1;
  const { shift } = m.second;
  return {
    rule: m.options.rule,
    laps: m.options.laps,
    plateauPositionCm: m.options.plateauPosition,
    rampPeakMv: round(m.lapPeaks[last].amplitude),
    peakOffsetBeforePlateauCm: round(m.lapOffsets[last]),
    rampPeakMvPerLap: m.lapPeaks.map((p) => round(p.amplitude)),
    peakOffsetBeforePlateauCmPerLap: m.lapOffsets.map((o) => round(o)),
    targets: { ...MILSTEIN_2021_TARGETS },
    secondInduction: {
      position: m.options.secondPosition,
      potentiationMv: round(shift.potentiationMv),
      potentiationAtCm: round(shift.potentiationAtCm, 2),
      depressionMv: round(shift.depressionMv),
      depressionAtCm: round(shift.depressionAtCm, 2),
      changeAtOldPeakMv: round(shift.changeAtOldPeakMv),
      changeAtNewPlateauMv: round(shift.changeAtNewPlateauMv),
      newRampPeakMv: round(m.second.peak.amplitude),
      newPeakOffsetBeforePlateauCm: round(m.second.offset),
    },
    modelWeightDependence: signatureFigures(m.model.signature),
    ...(m.data === undefined
      ? {}
      : {
          data: {
            file: m.options.data,
            rows: m.data.rows,
            rowsBinned: m.data.table.count.reduce((s, row) => s + row.reduce((a, c) => a + c, 0), 0),
            pearson: round(m.data.agreement.pearson),
            rmsErrorMv: round(m.data.agreement.rmsError),
            binsCompared: m.data.agreement.binsCompared,
            minSamplesPerBin: m.minBinCount,
            timeBinEdgesS: [...m.data.table.bins.timeEdges],
            initialRampBinEdgesMv: [...m.data.table.bins.rampEdges],
            weightDependence: signatureFigures(m.data.signature),
          },
        }),
  };
}

function signatureFigures(s: WeightDependence) {
  const bins = DEFAULT_WEIGHT_DEPENDENCE_BINS;
  return {
    withinS: bins.withinS,
    lowInitialRampBelowMv: bins.lowBelowMv,
    highInitialRampFromMv: bins.highFromMv,
    lowMeanDeltaMv: round(s.lowMeanMv),
    lowCount: s.lowCount,
    highMeanDeltaMv: round(s.highMeanMv),
    highCount: s.highCount,
  };
}

export function placeFieldCharts(m: PlaceFieldMeasurement): ExperimentChart[] {
  const { options } = m;
  const curve = (ys: Float64Array): [number, number][] =>
    Array.from(m.positions, (x, k) => [round(x, 2), round(ys[k])]);
  const order = Array.from(m.inputTimes.keys()).sort((a, b) => m.inputTimes[a] - m.inputTimes[b]);
  const change = m.second.rampAfter.map((v, k) => v - m.second.rampBefore[k]);
  return [
    {
      title: 'Ramp vs position after each induction lap',
      xLabel: 'position (cm)',
      yLabel: 'ramp depolarisation (mV)',
      series: m.lapRamps.map((r, k) => ({ name: `lap ${k + 1}`, points: curve(r) })),
      caption: `A silent cell (W = 1) with a ${options.plateauDuration * 1000} ms plateau at ${options.plateauPosition} cm on each lap (${options.rule} rule); ramp = rsf · Σ (W_i − 1) r_i(x). Published: ${MILSTEIN_2021_TARGETS.rampPeakMv} mV, ${MILSTEIN_2021_TARGETS.peakOffsetBeforePlateauCm} cm before the plateau after lap 3.`,
    },
    {
      title: 'Weight change vs time from plateau (per input)',
      xLabel: 'time from plateau onset at the input field centre (s)',
      yLabel: 'weight change W − 1',
      series: m.lapWeights.map((w, k) => ({
        name: `after lap ${k + 1}`,
        points: order.map((i) => [round(m.inputTimes[i], 3), round(w[i] - 1)] as [number, number]),
      })),
      caption:
        'Each input at the time the animal reaches its field centre relative to plateau onset (negative: before). Inputs seconds before the plateau potentiate most: the eligibility trace outlasts the instructive signal.',
    },
    kernelChart(m.model.table, m.data?.table, m.minBinCount),
    {
      title: 'Second induction: the field moves',
      xLabel: 'position (cm)',
      yLabel: 'ramp depolarisation (mV)',
      series: [
        { name: 'before (after the first induction)', points: curve(m.second.rampBefore) },
        {
          name: `after ${options.laps} plateaus at ${options.secondPosition} cm`,
          points: curve(m.second.rampAfter),
        },
        { name: 'change', points: curve(change), dashed: true },
      ],
      caption: `Potentiation at the new place (up to ${round(m.second.shift.potentiationMv, 2)} mV) and depression at the old field (${round(m.second.shift.changeAtOldPeakMv, 2)} mV at its former peak): the rule is bidirectional because it depends on the current weight.`,
    },
  ];
}

export function placeFieldTables(m: PlaceFieldMeasurement): ExperimentTable[] {
  const last = m.lapPeaks.length - 1;
  const agreement = m.data?.agreement;
  return [
    {
      title: 'Measured figures vs published targets',
      columns: ['figure', 'model', 'target'],
      rows: [
        [
          'ramp peak after the last lap (mV)',
          round(m.lapPeaks[last].amplitude),
          MILSTEIN_2021_TARGETS.rampPeakMv,
        ],
        [
          'peak before the plateau (cm)',
          round(m.lapOffsets[last]),
          MILSTEIN_2021_TARGETS.peakOffsetBeforePlateauCm,
        ],
        ['second induction: largest potentiation (mV)', round(m.second.shift.potentiationMv), '> 0'],
        ['second induction: change at the old peak (mV)', round(m.second.shift.changeAtOldPeakMv), '< 0'],
        ...(agreement === undefined
          ? []
          : [
              ['binned kernel vs data: Pearson r', round(agreement.pearson), '—'],
              ['binned kernel vs data: RMS error (mV)', round(agreement.rmsError), '—'],
            ]),
      ],
    },
    kernelTable('Model: mean delta ramp (mV) per bin', m.model.table),
    ...(m.data === undefined ? [] : [kernelTable('Data: mean delta ramp (mV) per bin', m.data.table)]),
  ];
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

function kernelChart(model: KernelTable, data: KernelTable | undefined, minCount: number): ExperimentChart {
  const names = rampBinNames(model);
  const centres = timeBinCentres(model);
  const series = (table: KernelTable, label: string, dashed: boolean) =>
    names.map((name, r) => ({
      name: `${label}, initial ramp ${name}`,
      dashed,
      points: centres.map(
        (t, k) => [t, table.count[r][k] >= minCount ? round(table.mean[r][k]) : NaN] as [number, number],
      ),
    }));
  return {
    title: 'Plasticity kernel: delta ramp vs time from plateau, by initial ramp',
    xLabel: 'time from plateau onset (s)',
    yLabel: 'mean change of ramp (mV)',
    series: [...series(model, 'model', false), ...(data === undefined ? [] : series(data, 'data', true))],
    caption: `Spatial bins grouped by when the animal passed them relative to plateau onset (1 s bins) and by their ramp before the induction; mean change per bin (bins with fewer than ${minCount} samples left out). Model: a silent cell and cells with existing fields at every position; data (dashed): Milstein et al. 2021.`,
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
