import type { EventBatch } from '@plasticity/core-tensors';
import { sortEvents } from '../events/sort.js';
import { formatError } from '../io/errors.js';
import { SHD_CHANNELS, SHD_CLASSES, SHD_DURATION } from './constants.js';
import type { H5Reader } from './h5.js';
import { openH5, readNumbers, readRagged, readStrings } from './h5.js';

export interface ShdFileOptions {
  /** Window, ms (default {@link SHD_DURATION}). Spikes at or after it are dropped and counted in `dropped`. */
  readonly duration?: number;
}

/** One SHD file (a split) as read from HDF5. */
export interface ShdFile {
  /** Every sample, packed; times in ms, ordered by time then unit. */
  readonly events: EventBatch;
  readonly labels: Int32Array;
  /** `/extra/speaker` when present. */
  readonly speakers?: Int32Array;
  /** `/extra/keys`: the class names by label, when present. */
  readonly keys?: readonly string[];
  /** Spikes at or past `duration` that were dropped. */
  readonly dropped: number;
}

function wholeNumbers(values: Float64Array, source: string, name: string, limit: number): Int32Array {
  const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < limit));
  if (bad >= 0) throw formatError(source, `${name}[${bad}] = ${values[bad]} is outside 0 … ${limit - 1}`);
  return Int32Array.from(values);
}

/** Reads the ragged `/spikes/times` (s) and `/spikes/units` into packed ms event lists. */
function readSpikes(
  reader: H5Reader,
  duration: number,
): { offsets: Int32Array; times: Float32Array; units: Int32Array; dropped: number } {
  const source = reader.path;
  const sampleTimes: Float32Array[] = [];
  readRagged(reader, 'spikes/times', (row, values) => {
    const ms = new Float32Array(values.length);
    for (let k = 0; k < values.length; k++) {
      if (!(values[k] >= 0))
        throw formatError(source, `spikes/times[${row}][${k}] = ${values[k]} is not a time ≥ 0`);
      ms[k] = values[k] * 1000;
    }
    sampleTimes.push(ms);
  });
  const offsets = new Int32Array(sampleTimes.length + 1);
  const times = new Float32Array(sampleTimes.reduce((n, t) => n + t.length, 0));
  const units = new Int32Array(times.length);
  let out = 0;
  let dropped = 0;
  const unitRows = readRagged(reader, 'spikes/units', (row, values) => {
    const t = sampleTimes[row];
    if (values.length !== t.length) {
      throw formatError(source, `sample ${row} has ${t.length} spike times but ${values.length} units`);
    }
    const u = wholeNumbers(values, source, `spikes/units[${row}]`, SHD_CHANNELS);
    sortEvents(t, u);
    for (let k = 0; k < t.length; k++) {
      if (t[k] >= duration) {
        dropped++;
        continue;
      }
      times[out] = t[k];
      units[out] = u[k];
      out++;
    }
    offsets[row + 1] = out;
  });
  if (unitRows !== sampleTimes.length) {
    throw formatError(
      source,
      `spikes/times has ${sampleTimes.length} samples but spikes/units has ${unitRows}`,
    );
  }
  return { offsets, times: times.slice(0, out), units: units.slice(0, out), dropped };
}

/**
 * Reads one Spiking Heidelberg Digits file: `/spikes/times` (ragged, seconds), `/spikes/units`
 * (ragged, 0–699), `/labels` (0–19) and, when present, `/extra/speaker` and `/extra/keys`.
 * Times become ms; each sample is ordered by time then unit. A file that is not HDF5, lacks a
 * dataset or holds bad values is E_DATA_FORMAT naming the file.
 */
export async function readShdFile(path: string, options: ShdFileOptions = {}): Promise<ShdFile> {
  const duration = options.duration ?? SHD_DURATION;
  const reader = await openH5(path);
  try {
    const { offsets, times, units, dropped } = readSpikes(reader, duration);
    const size = offsets.length - 1;
    const labels = wholeNumbers(readNumbers(reader, 'labels'), path, 'labels', SHD_CLASSES);
    if (labels.length !== size) throw formatError(path, `has ${size} samples but ${labels.length} labels`);
    let speakers: Int32Array | undefined;
    if (reader.dataset('extra/speaker') !== undefined) {
      speakers = wholeNumbers(readNumbers(reader, 'extra/speaker'), path, 'extra/speaker', 2 ** 31 - 1);
      if (speakers.length !== size)
        throw formatError(path, `has ${size} samples but ${speakers.length} speakers`);
    }
    const keys = reader.dataset('extra/keys') === undefined ? undefined : readStrings(reader, 'extra/keys');
    const events: EventBatch = {
      kind: 'events',
      size,
      channels: SHD_CHANNELS,
      duration,
      offsets,
      times,
      units,
    };
    return { events, labels, speakers, keys, dropped };
  } finally {
    reader.close();
  }
}
