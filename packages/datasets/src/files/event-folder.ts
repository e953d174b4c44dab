import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import type { EventBatch } from '@plasticity/core-tensors';
import { NMNIST_CHANNELS, NMNIST_DURATION, NMNIST_SIZE } from '../nmnist/nmnist-file.js';
import { readNmnistFiles } from '../nmnist/nmnist.js';
import type { EventFilesSpec } from './event-files.js';
import type { UserFileRecord } from './read-arrays.js';

/** What a folder of N-MNIST-format recordings gives: 34 × 34 pixels × 2 polarities, a 350 ms window. */
export const NMNIST_FOLDER_SPEC: EventFilesSpec = {
  layout: { kind: 'xyp', width: NMNIST_SIZE, height: NMNIST_SIZE, polarities: 2 },
  channels: NMNIST_CHANNELS,
  duration: NMNIST_DURATION,
};

/**
 * Reads a folder of event recordings in the N-MNIST binary format: one subfolder per class
 * named by its label (`0/`, `1/`, …) holding `.bin` files, as in N-MNIST's `Train/` and
 * `Test/`. The record's size is the files' total and its sha256 covers every file's name and
 * content, so a later run can tell that the folder changed.
 */
export async function readEventFolder(
  folder: string,
): Promise<{ events: EventBatch; labels: Int32Array; record: UserFileRecord }> {
  const entries = await readdir(folder, { withFileTypes: true });
  const classDirs = entries
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => ({ name: e.name, label: Number(e.name) }))
    .sort((a, b) => a.label - b.label);
  const files: { path: string; label: number }[] = [];
  for (const { name, label } of classDirs) {
    const names = (await readdir(join(folder, name))).filter((n) => n.endsWith('.bin')).sort();
    for (const file of names) files.push({ path: join(folder, name, file), label });
  }
  if (files.length === 0) {
    throw new PlasticityError(
      'E_USAGE',
      `${folder}: no recordings; a folder of events holds one subfolder per class named by its label (0/, 1/, …) with N-MNIST-format .bin files`,
      { folder },
    );
  }
  const hashes = new Map<string, string>();
  let bytes = 0;
  const split = await readNmnistFiles(files, NMNIST_DURATION, (path, content) => {
    bytes += content.length;
    hashes.set(path, createHash('sha256').update(content).digest('hex'));
  });
  const listing = files.map(({ path }) => `${relative(folder, path)}\t${hashes.get(path)}\n`).join('');
  return {
    events: split.events,
    labels: split.labels,
    record: { path: folder, bytes, sha256: createHash('sha256').update(listing).digest('hex') },
  };
}
