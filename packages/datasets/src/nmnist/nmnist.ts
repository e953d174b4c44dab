import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import type { EventBatch, SpikeEvents } from '@plasticity/core-tensors';
import { defaultDataDir, refuseDatasetFolderAsDataDir } from '../io/data-dir.js';
import { NMNIST_CHANNELS, NMNIST_DURATION, nmnistSample, parseNmnist } from './nmnist-file.js';

export interface NmnistOptions {
  /** Data folder; recordings are read from `<dataDir>/nmnist/{Train,Test}/<digit>/*.bin`. */
  readonly dataDir?: string;
  /** Window, ms (default {@link NMNIST_DURATION}); later events are dropped and counted. */
  readonly duration?: number;
}

export interface NmnistSplit {
  readonly events: EventBatch;
  readonly labels: Int32Array;
  /** Events at or after `duration` that were dropped. */
  readonly dropped: number;
}

export interface NmnistData {
  readonly train: NmnistSplit;
  readonly test: NmnistSplit;
}

/** Reads `<folder>/<digit>/*.bin` for digits 0–9, in digit then file-name order. */
export async function readNmnistFolder(folder: string, duration = NMNIST_DURATION): Promise<NmnistSplit> {
  const files: { path: string; label: number }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const dir = join(folder, String(digit));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      throw new PlasticityError(
        'E_USAGE',
        `N-MNIST folder ${dir} not found; unzip the published Train.zip / Test.zip (Orchard et al. 2015) ` +
          'into <dataDir>/nmnist/ so that it holds Train/0 … Train/9 and Test/0 … Test/9 (N-MNIST is not downloaded automatically)',
        { folder: dir },
      );
    }
    for (const name of names.filter((n) => n.endsWith('.bin')).sort())
      files.push({ path: join(dir, name), label: digit });
  }
  return readNmnistFiles(files, duration);
}

/**
 * Reads N-MNIST recordings (`.bin`) with their labels, in the given order, as packed event
 * lists (ms). `onFile` sees each file's bytes (e.g. to hash them).
 */
export async function readNmnistFiles(
  files: readonly { readonly path: string; readonly label: number }[],
  duration = NMNIST_DURATION,
  onFile?: (path: string, bytes: Uint8Array) => void,
): Promise<NmnistSplit> {
  const samples: SpikeEvents[] = new Array<SpikeEvents>(files.length);
  let dropped = 0;
  // A bounded number of reads in flight: tens of thousands of small files.
  const width = 64;
  for (let start = 0; start < files.length; start += width) {
    await Promise.all(
      files.slice(start, start + width).map(async ({ path }, i) => {
        const bytes = new Uint8Array(await readFile(path));
        onFile?.(path, bytes);
        const sample = nmnistSample(parseNmnist(bytes, path), duration);
        dropped += sample.dropped;
        samples[start + i] = sample;
      }),
    );
  }
  const offsets = new Int32Array(samples.length + 1);
  samples.forEach((s, b) => (offsets[b + 1] = offsets[b] + s.times.length));
  const times = new Float32Array(offsets[samples.length]);
  const units = new Int32Array(offsets[samples.length]);
  samples.forEach((s, b) => {
    times.set(s.times, offsets[b]);
    units.set(s.units, offsets[b]);
  });
  return {
    events: {
      kind: 'events',
      size: samples.length,
      channels: NMNIST_CHANNELS,
      duration,
      offsets,
      times,
      units,
    },
    labels: Int32Array.from(files, (f) => f.label),
    dropped,
  };
}

/** Loads N-MNIST's train and test recordings from `<dataDir>/nmnist/` as packed event lists (ms). */
export async function loadNmnist(options: NmnistOptions = {}): Promise<NmnistData> {
  const dataDir = options.dataDir ?? defaultDataDir();
  await refuseDatasetFolderAsDataDir(dataDir, 'nmnist', ['Train', 'Test']);
  const folder = join(dataDir, 'nmnist');
  return {
    train: await readNmnistFolder(join(folder, 'Train'), options.duration),
    test: await readNmnistFolder(join(folder, 'Test'), options.duration),
  };
}
