import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { writeNpy } from '../io/files.js';
import { encodeNpyRecords } from '../io/npy.js';
import { encodeNmnist } from '../nmnist/nmnist-file.js';
import { useCpuBackend } from '../testing/tf-backend.js';
import { tempDir } from '../testing/temp-dir.js';
import { loadUserFiles, reloadUserFiles } from './user-files.js';

let dir: { path: string; remove: () => Promise<void> };
const at = (name: string): string => join(dir.path, name);

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    return { code: isPlasticityError(e) ? e.code : undefined, message: (e as Error).message };
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  await useCpuBackend();
  dir = await tempDir();
  await writeNpy(at('x.npy'), { data: Float32Array.of(0, 1, 2, 3, 4, 5), shape: [3, 2] });
  await writeNpy(at('y.npy'), { data: Int32Array.of(0, 2, 1), shape: [3], dtype: 'int64' });
  await writeFile(at('x.csv'), 'a,b\n0,1\n2,3\n4,5\n');
  await writeFile(at('y.csv'), 'label\n0\n2\n1\n');
});
afterAll(() => dir.remove());

describe('loadUserFiles', () => {
  test('.npy and .csv give the same data set; the task comes from the data', async () => {
    const fromNpy = await loadUserFiles({ train: { inputs: at('x.npy'), labels: at('y.npy') } });
    const fromCsv = await loadUserFiles({ train: { inputs: at('x.csv'), labels: at('y.csv') } });
    for (const data of [fromNpy, fromCsv]) {
      expect(data.task).toEqual({ input: { kind: 'dense', shape: [2] }, outputs: 3, kind: 'classification' });
      expect(data.train.size).toBe(3);
      expect(data.test).toBeUndefined();
      expect(data.preprocess).toMatchObject({ kind: 'identity', inputShape: [2], raw: { range: [0, 5] } });
    }
    expect(fromNpy.files.splits.train?.inputs).toMatchObject({
      path: at('x.npy'),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(fromNpy.files.classes).toBe(3);
  });

  test('row counts, NaN, labels outside the classes and a 1-D feature file are refused clearly', async () => {
    await writeFile(at('short.csv'), '0\n1\n');
    expect(
      (await failure(loadUserFiles({ train: { inputs: at('x.npy'), labels: at('short.csv') } }))).message,
    ).toBe(`${at('x.npy')} has 3 rows but ${at('short.csv')} has 2 labels`);
    await writeNpy(at('nan.npy'), { data: Float32Array.of(0, 1, NaN, 3, 4, 5), shape: [3, 2] });
    expect(
      (await failure(loadUserFiles({ train: { inputs: at('nan.npy'), labels: at('y.npy') } }))).message,
    ).toBe(`${at('nan.npy')}: NaN at row 1, column 0; inputs must be finite numbers`);
    const classes = await failure(
      loadUserFiles({ train: { inputs: at('x.npy'), labels: at('y.npy') }, classes: 2 }),
    );
    expect(classes).toEqual({
      code: 'E_DATA_FORMAT',
      message: `${at('y.npy')}: label 2 at row 1 is not one of the 2 classes (0–1)`,
    });
    await writeNpy(at('flat.npy'), { data: Float32Array.of(0, 1, 2), shape: [3] });
    expect(
      (await failure(loadUserFiles({ train: { inputs: at('flat.npy'), labels: at('y.npy') } }))).code,
    ).toBe('E_SHAPE');
    await writeFile(at('two.csv'), '0,1\n1,1\n0,0\n');
    expect(
      (await failure(loadUserFiles({ train: { inputs: at('x.npy'), labels: at('two.csv') } }))).message,
    ).toMatch(/two\.csv: a label file has one column; found 2$/);
    expect(await failure(loadUserFiles({ train: { inputs: at('nope.npy'), labels: at('y.npy') } }))).toEqual({
      code: 'E_USAGE',
      message: `${at('nope.npy')}: no such file`,
    });
  });

  test('test features of another shape or scale than training are refused', async () => {
    await writeNpy(at('wide.npy'), { data: new Float32Array(9), shape: [3, 3] });
    const wide = await failure(
      loadUserFiles({
        train: { inputs: at('x.npy'), labels: at('y.npy') },
        test: { inputs: at('wide.npy'), labels: at('y.npy') },
      }),
    );
    expect(wide.message).toMatch(/wide\.npy: samples have shape \[3\]; the training features .* have \[2\]$/);
    await writeNpy(at('big.npy'), { data: Float32Array.of(0, 255, 2, 3, 4, 5), shape: [3, 2] });
    const big = await failure(
      loadUserFiles({
        train: { inputs: at('x.npy'), labels: at('y.npy') },
        test: { inputs: at('big.npy'), labels: at('y.npy') },
      }),
    );
    expect(big.message).toMatch(
      /^the run was trained on the features of x\.npy as float32 in \[0, 5\] .*big\.npy holds float32 in \[0, 255\]/,
    );
  });

  test('a test label the training labels never reach asks for the number of classes', async () => {
    await writeNpy(at('y3.npy'), { data: Int32Array.of(0, 3, 1), shape: [3] });
    const error = await failure(
      loadUserFiles({
        train: { inputs: at('x.npy'), labels: at('y.npy') },
        test: { inputs: at('x.npy'), labels: at('y3.npy') },
      }),
    );
    expect(error.message).toBe(
      `${at('y3.npy')}: label 3 at row 1 is not one of the 3 classes (0–2) seen in the training labels; pass the number of classes explicitly`,
    );
  });

  test('reloading a recorded run refuses a file that changed', async () => {
    await writeNpy(at('m.npy'), { data: Float32Array.of(0, 1, 2, 3, 4, 5), shape: [3, 2] });
    const first = await loadUserFiles({ train: { inputs: at('m.npy'), labels: at('y.npy') } });
    expect((await reloadUserFiles(first.files)).train.size).toBe(3);
    await writeNpy(at('m.npy'), { data: Float32Array.of(0, 1, 2, 3, 4, 6), shape: [3, 2] });
    const changed = await failure(reloadUserFiles(first.files));
    expect(changed.code).toBe('E_DATA_FORMAT');
    expect(changed.message).toMatch(
      /m\.npy changed since the run recorded it .*restore it, or start a new run$/,
    );
  });
});

describe('event files: structured .npy records', () => {
  // Two samples: sample 0 fires channel 2 then 0, sample 1 fires channel 1; labels 0 and 1.
  const records = (channelField: boolean) =>
    encodeNpyRecords([
      { name: 'sample', type: 'i8', values: [0, 1, 0] },
      { name: 't', type: 'f8', values: [4.5, 2, 1] },
      ...(channelField
        ? [{ name: 'channel', type: 'i4' as const, values: [2, 1, 0] }]
        : [
            { name: 'x', type: 'u1' as const, values: [0, 1, 0] },
            { name: 'y', type: 'u1' as const, values: [1, 0, 0] },
            { name: 'p', type: 'u1' as const, values: [0, 0, 1] },
          ]),
    ]);

  test('channel or x/y/p fields become a packed, sorted event data set; the layout is recorded', async () => {
    await writeFile(at('ev.npy'), records(true));
    await writeFile(at('evxy.npy'), records(false));
    await writeNpy(at('ev-y.npy'), { data: Int32Array.of(0, 1), shape: [2] });
    const byChannel = await loadUserFiles({ train: { inputs: at('ev.npy'), labels: at('ev-y.npy') } });
    expect(byChannel.task.input).toEqual({ kind: 'events', channels: 3, duration: 5 });
    expect(byChannel.files.events).toEqual({ layout: { kind: 'channel' }, channels: 3, duration: 5 });
    const byPixel = await loadUserFiles({ train: { inputs: at('evxy.npy'), labels: at('ev-y.npy') } });
    // 2 × 2 pixels × 2 polarities; channel = (p · 2 + y) · 2 + x.
    expect(byPixel.task.input).toEqual({ kind: 'events', channels: 8, duration: 5 });
    for await (const { x } of byPixel.train.batches({ batchSize: 2, shuffle: false })) {
      const events = x as { offsets: Int32Array; times: Float32Array; units: Int32Array };
      expect(Array.from(events.offsets)).toEqual([0, 2, 3]);
      expect(Array.from(events.times)).toEqual([1, 4.5, 2]);
      expect(Array.from(events.units)).toEqual([4, 2, 1]);
    }
  });

  test('bad records are refused naming the record', async () => {
    const bad = encodeNpyRecords([
      { name: 'sample', type: 'i8', values: [0, 5] },
      { name: 't', type: 'f8', values: [1, 2] },
      { name: 'channel', type: 'i4', values: [0, 1] },
    ]);
    await writeFile(at('bad-ev.npy'), bad);
    expect(
      (await failure(loadUserFiles({ train: { inputs: at('bad-ev.npy'), labels: at('ev-y.npy') } }))).message,
    ).toBe(`${at('bad-ev.npy')}: record 1: sample 5 is not a row of the 2 labels`);
    const noTime = encodeNpyRecords([
      { name: 'sample', type: 'i8', values: [0] },
      { name: 'channel', type: 'i4', values: [0] },
    ]);
    await writeFile(at('no-t.npy'), noTime);
    expect(
      (await failure(loadUserFiles({ train: { inputs: at('no-t.npy'), labels: at('ev-y.npy') } }))).message,
    ).toMatch(/no-t\.npy: event records need a 't' field \(event time in ms\); found sample, channel$/);
  });
});

describe('event files: a folder of N-MNIST-format recordings', () => {
  const recording = (x: number, y: number): Uint8Array =>
    encodeNmnist({
      x: Uint8Array.of(x, x + 1),
      y: Uint8Array.of(y, y),
      polarity: Uint8Array.of(1, 0),
      timestamps: Float64Array.of(1000, 2500),
    });

  test('class subfolders give the labels; the folder is hashed so a change is refused', async () => {
    const folder = at('bins');
    for (const [label, x] of [
      [0, 1],
      [0, 3],
      [2, 5],
    ]) {
      await mkdir(join(folder, String(label)), { recursive: true });
      await writeFile(join(folder, String(label), `r${x}.bin`), recording(x, label));
    }
    const data = await loadUserFiles({ train: { inputs: folder } });
    expect(data.task).toEqual({
      input: { kind: 'events', channels: 2312, duration: 350 },
      outputs: 3,
      kind: 'classification',
    });
    expect(data.train.size).toBe(3);
    expect(data.files.splits.train?.labels).toBeUndefined();
    expect(data.files.events?.layout).toEqual({ kind: 'xyp', width: 34, height: 34, polarities: 2 });
    await writeFile(join(folder, '2', 'r5.bin'), recording(6, 2));
    expect((await failure(reloadUserFiles(data.files))).message).toMatch(
      /bins changed since the run recorded it/,
    );
    const withLabels = await failure(loadUserFiles({ train: { inputs: folder, labels: at('y.npy') } }));
    expect(withLabels.message).toMatch(/bins is a folder of recordings whose labels are its subfolder names/);
  });
});
