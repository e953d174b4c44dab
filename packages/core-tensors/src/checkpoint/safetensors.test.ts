import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlasticityError, isPlasticityError } from '../errors/plasticity-error.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { HostTensor } from './safetensors.js';

const tensors: Record<string, HostTensor> = {
  'layer0/weight': {
    dtype: 'float32',
    shape: [2, 3],
    data: Float32Array.from([0.5, -1.25, 3e-8, 1e20, -0, 7]),
  },
  'layer0/bias': { dtype: 'float32', shape: [3], data: Float32Array.from([1, 2, 3]) },
  steps: { dtype: 'int32', shape: [], data: Int32Array.from([-42]) },
  mask: { dtype: 'bool', shape: [4], data: Uint8Array.from([1, 0, 0, 1]) },
  empty: { dtype: 'float32', shape: [0, 5], data: new Float32Array(0) },
};
const metadata = { 'plasticity.epoch': '3', note: 'héllo' };

/** An independent byte-level reader written from the spec, sharing no code with the codec. */
function specRead(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  const out: Record<string, { dtype: string; shape: number[]; values: number[] }> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const values: number[] = [];
    const size = dtype === 'BOOL' ? 1 : 4;
    for (let at = 8 + n + data_offsets[0]; at < 8 + n + data_offsets[1]; at += size) {
      if (dtype === 'F32') values.push(view.getFloat32(at, true));
      else if (dtype === 'I32') values.push(view.getInt32(at, true));
      else values.push(view.getUint8(at));
    }
    out[name] = { dtype, shape, values };
  }
  return { headerLength: n, header, out };
}

function expected() {
  const codes = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
  return Object.fromEntries(
    Object.entries(tensors).map(([name, t]) => [
      name,
      { dtype: codes[t.dtype], shape: [...t.shape], values: Array.from(t.data) },
    ]),
  );
}

function thrown(fn: () => unknown): PlasticityError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlasticityError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('safetensors codec', () => {
  const bytes = encodeSafetensors(tensors, metadata);

  test('the layout follows the spec (read back by an independent byte-level parser)', () => {
    const { headerLength, header, out } = specRead(bytes);
    expect(headerLength % 8).toBe(0); // padded with spaces so data is aligned
    expect(header.__metadata__).toEqual(metadata);
    expect(out).toEqual(expected());
    // Tensors are laid out in name order, back to back, filling the buffer exactly.
    const spans = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .map(([, e]) => (e as { data_offsets: number[] }).data_offsets)
      .sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [begin, stop] of spans) {
      expect(begin).toBe(end);
      end = stop;
    }
    expect(8 + headerLength + spans[spans.length - 1][1]).toBe(bytes.length);
  });

  test('Python reads it with only struct and json (the JS spec reader where python3 is missing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    const file = join(dir, 'model.safetensors');
    writeFileSync(file, bytes);
    const script = [
      'import json, struct, sys',
      'raw = open(sys.argv[1], "rb").read()',
      '(n,) = struct.unpack("<Q", raw[:8])',
      'header = json.loads(raw[8:8 + n].decode("utf-8"))',
      'fmt = {"F32": "f", "I32": "i", "BOOL": "B"}',
      'size = {"F32": 4, "I32": 4, "BOOL": 1}',
      'out = {}',
      'for name, e in header.items():',
      '    if name == "__metadata__": continue',
      '    b, end = e["data_offsets"]',
      '    count = (end - b) // size[e["dtype"]]',
      '    vals = struct.unpack("<%d%s" % (count, fmt[e["dtype"]]), raw[8 + n + b:8 + n + end])',
      '    out[name] = {"dtype": e["dtype"], "shape": e["shape"], "values": [float(v) for v in vals]}',
      'print(json.dumps({"meta": header.get("__metadata__"), "tensors": out}))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    const pythonMissing = (run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    if (!pythonMissing) expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const parsed = pythonMissing
      ? { meta: specRead(bytes).header.__metadata__, tensors: specRead(bytes).out }
      : (JSON.parse(run.stdout) as { meta: unknown; tensors: unknown });
    expect(parsed.meta).toEqual(metadata);
    // JSON has no -0: compare through Number.
    expect(JSON.parse(JSON.stringify(parsed.tensors))).toEqual(JSON.parse(JSON.stringify(expected())));
  });

  test('round trip through decodeSafetensors', () => {
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual(metadata);
    for (const [name, t] of Object.entries(tensors)) {
      expect(decoded.tensors[name].dtype).toBe(t.dtype);
      expect(decoded.tensors[name].shape).toEqual(t.shape);
      expect(Array.from(decoded.tensors[name].data)).toEqual(Array.from(t.data));
    }
  });

  test('reads other dtypes a Python writer may use: F64, F16, BF16, I64, U8', () => {
    const header = {
      d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      h: { dtype: 'F16', shape: [3], data_offsets: [16, 22] },
      bf: { dtype: 'BF16', shape: [1], data_offsets: [22, 24] },
      l: { dtype: 'I64', shape: [1], data_offsets: [24, 32] },
      u: { dtype: 'U8', shape: [2], data_offsets: [32, 34] },
    };
    const json = Buffer.from(JSON.stringify(header));
    const file = new Uint8Array(8 + json.length + 34);
    const view = new DataView(file.buffer);
    view.setBigUint64(0, BigInt(json.length), true);
    file.set(json, 8);
    const at = 8 + json.length;
    view.setFloat64(at, 0.1, true);
    view.setFloat64(at + 8, -2.5, true);
    view.setUint16(at + 16, 0x3c00, true); // 1.0
    view.setUint16(at + 18, 0xc000, true); // -2.0
    view.setUint16(at + 20, 0x0001, true); // smallest subnormal, 2^-24
    view.setUint16(at + 22, 0x3fc0, true); // bf16 1.5
    view.setBigInt64(at + 24, -7n, true);
    file[at + 32] = 255;
    file[at + 33] = 3;
    const { tensors: t } = decodeSafetensors(file);
    expect(Array.from(t.d.data)).toEqual([Math.fround(0.1), -2.5]);
    expect(Array.from(t.h.data)).toEqual([1, -2, 2 ** -24]);
    expect(Array.from(t.bf.data)).toEqual([1.5]);
    expect(t.l).toMatchObject({ dtype: 'int32', data: Int32Array.from([-7]) });
    expect(Array.from(t.u.data)).toEqual([255, 3]);
  });

  test('truncated or corrupt files are E_CHECKPOINT naming the file and the problem', () => {
    const cases: [Uint8Array, RegExp][] = [
      [bytes.subarray(0, 5), /truncated: 5 bytes/],
      [bytes.subarray(0, 40), /truncated: the header says \d+ bytes, only 32 follow/],
      [bytes.subarray(0, bytes.length - 3), /truncated: tensor "steps" ends at byte/],
      [Uint8Array.from([...bytes, 0, 0]), /2 bytes after the last tensor/],
      [Uint8Array.from([255, 255, 255, 255, 255, 255, 0, 0]), /implausible/],
    ];
    for (const [data, message] of cases) {
      const error = thrown(() => decodeSafetensors(data, 'run/model.safetensors'));
      expect(error.code).toBe('E_CHECKPOINT');
      expect(error.message).toMatch(/^run\/model\.safetensors: /);
      expect(error.message).toMatch(message);
    }
    const corruptJson = bytes.slice();
    corruptJson[8] = 0x5b; // '[' instead of '{'
    expect(thrown(() => decodeSafetensors(corruptJson, 'f')).message).toMatch(
      /header is not (valid UTF-8 JSON|a JSON object)/,
    );
  });

  test('header entries are validated: dtype, shape, offsets', () => {
    const make = (entry: unknown, data = 4) => {
      const json = Buffer.from(JSON.stringify({ t: entry }));
      const out = new Uint8Array(8 + json.length + data);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(
      thrown(() => decodeSafetensors(make({ dtype: 'C64', shape: [1], data_offsets: [0, 4] }))).message,
    ).toMatch(/unsupported dtype "C64"/);
    expect(
      thrown(() => decodeSafetensors(make({ dtype: 'F32', shape: [-1], data_offsets: [0, 4] }))).message,
    ).toMatch(/bad shape/);
    expect(
      thrown(() => decodeSafetensors(make({ dtype: 'F32', shape: [2], data_offsets: [0, 4] }))).message,
    ).toMatch(/span 4 bytes, shape \[2\] F32 needs 8/);
    expect(
      thrown(() => decodeSafetensors(make({ dtype: 'F32', shape: [1], data_offsets: [4, 8] }, 8))).message,
    ).toMatch(/starts at 4, expected 0/);
  });

  test('encoding rejects what safetensors cannot hold', () => {
    expect(
      isPlasticityError(
        thrown(() => encodeSafetensors({ __metadata__: tensors.steps })),
        'E_USAGE',
      ),
    ).toBe(true);
    const wrong = { w: { dtype: 'float32', shape: [3], data: new Float32Array(2) } } as Record<
      string,
      HostTensor
    >;
    expect(
      isPlasticityError(
        thrown(() => encodeSafetensors(wrong)),
        'E_SHAPE',
      ),
    ).toBe(true);
  });
});
