// uPlot charts for live examples, loaded on first use so pages without an example never
// download uPlot.
import type uPlot from 'uplot';
import type { ChartData } from './chart-data.js';
import type { ChartSpec } from './protocol.js';

const COLORS = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#64748b'];
const HEIGHT = 220;

export interface LiveChart {
  update(data: ChartData): void;
  destroy(): void;
}

export async function createChart(spec: ChartSpec, target: HTMLElement, data: ChartData): Promise<LiveChart> {
  const { default: UPlot } = await import('uplot');
  await import('uplot/dist/uPlot.min.css');
  const points = spec.kind === 'points';
  const options: uPlot.Options = {
    title: spec.title,
    width: Math.max(280, target.clientWidth),
    height: HEIGHT,
    scales: {
      x: { time: false },
      ...(spec.yRange ? { y: { range: [spec.yRange[0], spec.yRange[1]] as uPlot.Range.MinMax } } : {}),
    },
    axes: [{ label: spec.x }, { label: spec.y }],
    series: [
      { label: spec.x },
      ...spec.series.map((name, k) => ({
        label: name,
        stroke: COLORS[k % COLORS.length],
        width: points ? 0 : 2,
        spanGaps: true,
        ...(points
          ? { paths: () => null, points: { show: true, size: 3, fill: COLORS[k % COLORS.length] } }
          : {}),
      })),
    ],
  };
  const chart = new UPlot(options, [data.x, ...data.columns] as uPlot.AlignedData, target);
  const resize = new ResizeObserver(() =>
    chart.setSize({ width: Math.max(280, target.clientWidth), height: HEIGHT }),
  );
  resize.observe(target);
  return {
    update: (next) => chart.setData([next.x, ...next.columns] as uPlot.AlignedData),
    destroy() {
      resize.disconnect();
      chart.destroy();
    },
  };
}
