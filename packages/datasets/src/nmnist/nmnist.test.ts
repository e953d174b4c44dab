import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isEventBatch, isPlasticityError } from '@plasticity/core-tensors';
import { loadDataset } from '../registry/node-sources.js';
import { tempDir } from '../testing/temp-dir.js';
import { useCpuBackend } from '../testing/tf-backend.js';
import { NMNIST_CHANNELS, encodeNmnist, nmnistChannel, nmnistSample, parseNmnist } from './nmnist-file.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  await useCpuBackend();
  dir = await tempDir();
});
afterAll(() => dir.remove());

describe('N-MNIST binary format', () => {
  test('decodes the 40-bit fields (x, y, polarity, 23-bit µs timestamp) from hand-written bytes', () => {
    // x=5, y=33, ON, t = 0x12345 µs; x=0, y=0, OFF, t = 2^23 − 1.
    const bytes = Uint8Array.from([5, 33, 0x80 | 0x01, 0x23, 0x45, 0, 0, 0x7f, 0xff, 0xff]);
    const events = parseNmnist(bytes, 'a.bin');
    expect(Array.from(events.x)).toEqual([5, 0]);
    expect(Array.from(events.y)).toEqual([33, 0]);
    expect(Array.from(events.polarity)).toEqual([1, 0]);
    expect(Array.from(events.timestamps)).toEqual([0x12345, 2 ** 23 - 1]);
    expect(encodeNmnist(events)).toEqual(bytes);
  });

  test('y = 240 marks a timestamp overflow: later events gain 2^13 µs, the marker is removed', () => {
    const bytes = Uint8Array.from([1, 2, 0, 0, 10, 0, 240, 0, 0, 0, 3, 4, 0x80, 0, 20]);
    const events = parseNmnist(bytes, 'o.bin');
    expect(Array.from(events.timestamps)).toEqual([10, 2 ** 13 + 20]);
    expect(Array.from(events.x)).toEqual([1, 3]);
  });

  test('truncated files and pixels outside 34 × 34 are E_DATA_FORMAT naming the file', () => {
    const truncated = () => parseNmnist(new Uint8Array(7), 't.bin');
    expect(truncated).toThrow(/^t\.bin: has 7 bytes, not a whole number of 5-byte events/);
    expect(() => parseNmnist(Uint8Array.from([34, 0, 0, 0, 0]), 'b.bin')).toThrow(
      /b\.bin: event 0 is at pixel \(34, 0\), outside 34 × 34/,
    );
    try {
      truncated();
    } catch (error) {
      expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    }
  });

  test('samples: ms times sorted by time then channel, channel = p·34² + y·34 + x, late events dropped', () => {
    expect([nmnistChannel(0, 0, 0), nmnistChannel(33, 33, 1), NMNIST_CHANNELS]).toEqual([0, 2311, 2312]);
    const events = {
      x: Uint8Array.from([3, 1, 2, 0]),
      y: Uint8Array.from([0, 0, 1, 0]),
      polarity: Uint8Array.from([0, 1, 0, 0]),
      timestamps: Float64Array.from([2500, 1000, 1000, 400000]),
    };
    const sample = nmnistSample(events, 350);
    expect(Array.from(sample.times)).toEqual([1, 1, 2.5]);
    expect(Array.from(sample.units)).toEqual([2 + 34, 34 * 34 + 1, 3]);
    expect(sample.dropped).toBe(1);
  });
});

describe("loadDataset('nmnist') from a Train/Test folder", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(dir.path, 'data');
    for (const split of ['Train', 'Test']) {
      for (let digit = 0; digit < 10; digit++) {
        const folder = join(dataDir, 'nmnist', split, String(digit));
        await mkdir(folder, { recursive: true });
        const count = split === 'Train' ? 2 : 1;
        for (let i = 0; i < count; i++) {
          const events = {
            x: Uint8Array.from([digit, i]),
            y: Uint8Array.from([i, digit]),
            polarity: Uint8Array.from([1, 0]),
            timestamps: Float64Array.from([1000 * (digit + 1), 1000 * (digit + 1) + 500]),
          };
          await writeFile(join(folder, `${String(i).padStart(5, '0')}.bin`), encodeNmnist(events));
        }
      }
    }
  });

  test('reads every recording with its digit label as event lists', async () => {
    const ds = await loadDataset('nmnist', { dataDir });
    expect([ds.train.size, ds.test.size]).toEqual([20, 10]);
    expect(ds.task.input).toEqual({ kind: 'events', channels: 2312, duration: 350 });
    expect(Array.from(ds.test.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for await (const { x } of ds.test.batches({ batchSize: 10 })) {
      if (!isEventBatch(x)) throw new Error('expected events');
      // Test sample 7: ON at (7, 0) at 8 ms, OFF at (0, 7) at 8.5 ms.
      const start = x.offsets[7];
      expect(Array.from(x.times.subarray(start, start + 2))).toEqual([8, 8.5]);
      expect(Array.from(x.units.subarray(start, start + 2))).toEqual([
        nmnistChannel(7, 0, 1),
        nmnistChannel(0, 7, 0),
      ]);
    }
  });

  test('a missing folder is E_USAGE saying how to lay the files out', async () => {
    const error = await loadDataset('nmnist', { dataDir: join(dir.path, 'empty') }).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
    expect((error as Error).message).toMatch(/Train\/0 … Train\/9/);
  });
});
