import { describe, expect, it } from '@jest/globals';
import { emptyChart, plotPoint, pointCount, showData } from './chart-data.js';
import type { ChartSpec } from './protocol.js';

const spec: ChartSpec = { id: 'accuracy', title: 'Accuracy', x: 'epoch', y: 'accuracy', series: ['a', 'b'] };

describe('chart data', () => {
  it('inserts new x values in order and updates existing ones', () => {
    let data = emptyChart(spec);
    data = plotPoint(spec, data, 1, { a: 0.5 });
    data = plotPoint(spec, data, 2, { a: 0.7 });
    data = plotPoint(spec, data, 1, { b: 0.6 });
    data = plotPoint(spec, data, 0, { b: 0.1 });
    expect(data.x).toEqual([0, 1, 2]);
    expect(data.columns).toEqual([
      [null, 0.5, 0.7],
      [0.1, 0.6, null],
    ]);
    expect(pointCount(data)).toBe(3);
  });

  it('ignores series the chart does not declare and values that are not finite', () => {
    const data = plotPoint(spec, emptyChart(spec), 1, { c: 1, a: Number.NaN });
    expect(data.x).toEqual([1]);
    expect(data.columns).toEqual([[null], [null]]);
    expect(pointCount(data)).toBe(0);
  });

  it('replaces the data with show, filling missing series with nulls', () => {
    const data = showData(spec, [1, 2], { a: [3, 4] });
    expect(data).toEqual({
      x: [1, 2],
      columns: [
        [3, 4],
        [null, null],
      ],
    });
    expect(pointCount(data)).toBe(2);
  });
});
