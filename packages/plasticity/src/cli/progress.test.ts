import { describe, expect, test } from '@jest/globals';
import type { EpochRecord, FitEvent } from '@plasticity/core-tensors';
import { createProgressReporter, formatEpochLine } from './progress.js';

function capture(isTTY: boolean): {
  stream: { isTTY: boolean; columns: number; write(s: string): boolean };
  text(): string;
} {
  const chunks: string[] = [];
  return {
    stream: { isTTY, columns: 120, write: (s: string) => (chunks.push(s), true) },
    text: () => chunks.join(''),
  };
}

const epoch = (n: number): EpochRecord => ({
  type: 'epoch',
  epoch: n,
  learningRate: 0.01,
  seconds: 0.25,
  train: { loss: 0.5 / n, accuracy: 0.8 },
  test: { loss: 0.4, accuracy: 0.9, count: 1000 },
});

function events(startEpoch: number, epochs: number, stepsPerEpoch: number): FitEvent[] {
  const out: FitEvent[] = [{ type: 'start', startEpoch, epochs, stepsPerEpoch }];
  for (let e = startEpoch + 1; e <= epochs; e++) {
    for (let s = 1; s <= stepsPerEpoch; s++) {
      out.push({ type: 'step', epoch: e, step: s, stepsPerEpoch, metrics: { loss: s, accuracy: 0.5 } });
    }
    out.push(epoch(e));
  }
  out.push({ type: 'end', epochs, stoppedEarly: false, seconds: 1 });
  return out;
}

describe('progress reporter', () => {
  test('without a terminal: one line per epoch, no control characters', () => {
    const out = capture(false);
    const reporter = createProgressReporter({ stream: out.stream, bar: false, epochLines: true });
    for (const e of events(0, 2, 3)) reporter.onEvent(e);
    reporter.stop();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^epoch 1\/2 {2}loss 0\.5000 {2}acc 0\.8000 {2}test loss 0\.4000 {2}test acc 0\.9000 {2}0\.25s$/,
    );
    expect(lines[1]).toMatch(/^epoch 2\/2 /);
    // eslint-disable-next-line no-control-regex
    expect(out.text()).not.toMatch(/\u001b/);
  });

  test('a resumed run says where it resumes and counts epochs from there', () => {
    const out = capture(false);
    const reporter = createProgressReporter({ stream: out.stream, bar: false, epochLines: true });
    for (const e of events(2, 3, 1)) reporter.onEvent(e);
    expect(out.text().split('\n').slice(0, 2)).toEqual([
      'resuming at epoch 3/3',
      expect.stringMatching(/^epoch 3\/3 /),
    ]);
  });

  test('resuming a finished run says so', () => {
    const out = capture(false);
    const reporter = createProgressReporter({ stream: out.stream, bar: true, epochLines: true });
    for (const e of events(3, 3, 2)) reporter.onEvent(e);
    expect(out.text()).toBe('the run is complete (3/3 epochs)\n');
  });

  test('quiet: nothing at all', () => {
    const out = capture(false);
    const reporter = createProgressReporter({ stream: out.stream, bar: false, epochLines: false });
    for (const e of events(0, 2, 3)) reporter.onEvent(e);
    expect(out.text()).toBe('');
  });

  test('on a terminal: a bar with the running loss, and the epoch lines above it', () => {
    const out = capture(true);
    const reporter = createProgressReporter({ stream: out.stream, bar: true, epochLines: true });
    const all = events(0, 2, 4);
    // Stop just after the first epoch's steps: the bar shows epoch 1 and the mean loss (1+2+3+4)/4.
    for (const e of all.slice(0, 5)) reporter.onEvent(e);
    reporter.stop();
    const text = out.text();
    expect(text).toContain('epoch 1/2');
    expect(text).toContain('loss 2.5000');
    expect(text).toContain('ETA');
  });
});

test('formatEpochLine includes validation when present', () => {
  const line = formatEpochLine({ ...epoch(1), validation: { loss: 0.3, accuracy: 0.95, count: 10 } }, 5);
  expect(line).toContain('val loss 0.3000  val acc 0.9500');
});
