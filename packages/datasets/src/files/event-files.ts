import { PlasticityError } from '@plasticity/core-tensors';
import type { EventBatch } from '@plasticity/core-tensors';
import { sortEvents } from '../events/sort.js';
import { formatError } from '../io/errors.js';
import type { NpyRecords } from '../io/npy.js';

/**
 * How an event file's fields become channels: a `channel` field as it is, or pixel events
 * `x`, `y` (and polarity `p`) as `channel = (p · height + y) · width + x`, the N-MNIST order.
 */
export type EventLayout =
  | { readonly kind: 'channel' }
  | { readonly kind: 'xyp'; readonly width: number; readonly height: number; readonly polarities: number };

/** What a run on event files records: the layout, channel count and window (ms). */
export interface EventFilesSpec {
  readonly layout: EventLayout;
  readonly channels: number;
  readonly duration: number;
}

function field(records: NpyRecords, name: string, path: string, needed: string): Float64Array {
  const values = records.fields[name];
  if (values === undefined) {
    throw formatError(
      path,
      `event records need a '${name}' field (${needed}); found ${Object.keys(records.fields).join(', ')}`,
    );
  }
  return values;
}

function checkWhole(values: Float64Array, name: string, path: string): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) {
      throw formatError(path, `record ${i}: '${name}' is ${v}, not a whole number ≥ 0`, { record: i });
    }
    if (v > max) max = v;
  }
  return max;
}

/** The layout an event file implies on its own: `channel`, else `x`/`y`(/`p`) sized by their largest values. */
export function eventLayoutOf(records: NpyRecords, path: string): EventLayout {
  if (records.fields.channel !== undefined) return { kind: 'channel' };
  if (records.fields.x === undefined || records.fields.y === undefined) {
    throw formatError(
      path,
      `event records need a 'channel' field, or 'x' and 'y' (and optionally 'p'); found ${Object.keys(records.fields).join(', ')}`,
    );
  }
  return {
    kind: 'xyp',
    width: checkWhole(records.fields.x, 'x', path) + 1,
    height: checkWhole(records.fields.y, 'y', path) + 1,
    polarities: records.fields.p === undefined ? 1 : checkWhole(records.fields.p, 'p', path) + 1,
  };
}

/** Merges the layouts of several files (the widest extent of each), refusing a mix of kinds. */
export function mergeLayouts(layouts: readonly EventLayout[], paths: readonly string[]): EventLayout {
  const [first] = layouts;
  if (layouts.some((l) => l.kind !== first.kind)) {
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `event files mix a 'channel' field with 'x'/'y' fields: ${paths.join(', ')}; use one form`,
    );
  }
  if (first.kind === 'channel') return first;
  const xyp = layouts as readonly Extract<EventLayout, { kind: 'xyp' }>[];
  return {
    kind: 'xyp',
    width: Math.max(...xyp.map((l) => l.width)),
    height: Math.max(...xyp.map((l) => l.height)),
    polarities: Math.max(...xyp.map((l) => l.polarities)),
  };
}

/** Channel of every record under `layout`; whole numbers checked. */
export function eventChannels(records: NpyRecords, layout: EventLayout, path: string): Int32Array {
  if (layout.kind === 'channel') {
    const channel = field(records, 'channel', path, 'the input channel of each event');
    checkWhole(channel, 'channel', path);
    return Int32Array.from(channel);
  }
  const x = field(records, 'x', path, 'pixel column');
  const y = field(records, 'y', path, 'pixel row');
  const p = records.fields.p;
  checkWhole(x, 'x', path);
  checkWhole(y, 'y', path);
  if (p !== undefined) checkWhole(p, 'p', path);
  const out = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const pol = p === undefined ? 0 : p[i];
    if (x[i] >= layout.width || y[i] >= layout.height || pol >= layout.polarities) {
      throw formatError(
        path,
        `record ${i}: pixel (x ${x[i]}, y ${y[i]}, p ${pol}) is outside the run's ${layout.width} × ${layout.height} × ${layout.polarities}`,
        { record: i },
      );
    }
    out[i] = (pol * layout.height + y[i]) * layout.width + x[i];
  }
  return out;
}

/** Latest event time of a file (ms); NaN, ±Inf and negative times are refused naming the record. */
export function latestTime(records: NpyRecords, path: string): number {
  const t = field(records, 't', path, 'event time in ms');
  let max = 0;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i]) || t[i] < 0) {
      throw formatError(path, `record ${i}: time t = ${t[i]} is not a finite number ≥ 0 (ms)`, { record: i });
    }
    if (t[i] > max) max = t[i];
  }
  return max;
}

/**
 * Packs event records (`sample`, `t` in ms, and `channel` or `x`/`y`/`p`) into an `EventBatch`
 * of `samples` samples, each sorted by time then channel. An event whose sample is not a row of
 * the labels, or whose channel or time falls outside `spec`, is E_DATA_FORMAT naming the record.
 */
export function packEvents(
  records: NpyRecords,
  samples: number,
  spec: EventFilesSpec,
  path: string,
): EventBatch {
  const sample = field(records, 'sample', path, 'the row of the labels file each event belongs to');
  const t = field(records, 't', path, 'event time in ms');
  const channels = eventChannels(records, spec.layout, path);
  const counts = new Int32Array(samples);
  for (let i = 0; i < records.length; i++) {
    const s = sample[i];
    if (!Number.isInteger(s) || s < 0 || s >= samples) {
      throw formatError(path, `record ${i}: sample ${s} is not a row of the ${samples} labels`, {
        record: i,
      });
    }
    if (channels[i] >= spec.channels) {
      throw formatError(
        path,
        `record ${i}: channel ${channels[i]} is outside the run's ${spec.channels} channels`,
        {
          record: i,
        },
      );
    }
    if (!(t[i] >= 0 && t[i] < spec.duration)) {
      throw formatError(
        path,
        `record ${i}: time t = ${t[i]} ms is outside the run's window [0, ${spec.duration}) ms`,
        {
          record: i,
        },
      );
    }
    counts[s]++;
  }
  const offsets = new Int32Array(samples + 1);
  for (let s = 0; s < samples; s++) offsets[s + 1] = offsets[s] + counts[s];
  const times = new Float32Array(records.length);
  const units = new Int32Array(records.length);
  const next = offsets.slice(0, samples);
  for (let i = 0; i < records.length; i++) {
    const at = next[sample[i]]++;
    times[at] = t[i];
    units[at] = channels[i];
  }
  for (let s = 0; s < samples; s++) {
    sortEvents(times.subarray(offsets[s], offsets[s + 1]), units.subarray(offsets[s], offsets[s + 1]));
  }
  return {
    kind: 'events',
    size: samples,
    channels: spec.channels,
    duration: spec.duration,
    offsets,
    times,
    units,
  };
}

/** Layout, channels and window that cover every file: the window ends 1 ms after the latest event. */
export function eventSpecOf(files: readonly { records: NpyRecords; path: string }[]): EventFilesSpec {
  const layout = mergeLayouts(
    files.map((f) => eventLayoutOf(f.records, f.path)),
    files.map((f) => f.path),
  );
  const channels =
    layout.kind === 'xyp'
      ? layout.width * layout.height * layout.polarities
      : Math.max(
          ...files.map((f) =>
            checkWhole(field(f.records, 'channel', f.path, 'input channel'), 'channel', f.path),
          ),
        ) + 1;
  const duration = Math.floor(Math.max(...files.map((f) => latestTime(f.records, f.path)))) + 1;
  return { layout, channels, duration };
}
