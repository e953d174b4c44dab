import type { InspectOptions, Inspection, LayerRaster, SpikeEvents } from '@plasticity/core-tensors';
import type { EventPropNetwork, HostSamples, SpikeList } from '@plasticity/neurons';

function events(spikes: SpikeList): SpikeEvents {
  return {
    times: Float32Array.from({ length: spikes.count }, (_, k) => spikes.times[k]),
    units: Int32Array.from({ length: spikes.count }, (_, k) => spikes.units[k]),
  };
}

/**
 * Rasters of the first samples (input, each hidden layer, a spiking output) and the output
 * layer's voltages sampled every `traceDt` ms from the exact solution.
 */
export function inspectNetwork(
  network: EventPropNetwork,
  samples: HostSamples,
  options: InspectOptions = {},
): Inspection {
  const count = Math.min(options.samples ?? 4, samples.size);
  const dt = options.traceDt ?? 0.5;
  const { spec } = network;
  const rasters: SpikeEvents[][] = [[], ...spec.hidden.map(() => []), []];
  const traces: Float32Array[] = [];
  let steps = 0;
  for (let b = 0; b < count; b++) {
    const input = samples.sample(b);
    network.forward(input);
    rasters[0].push(events(input));
    spec.hidden.forEach((_, k) => rasters[k + 1].push(events(network.layerSpikes(k))));
    const out = network.outputActivity(dt);
    steps = out.steps;
    traces.push(out.voltages);
    if (out.spikes !== undefined) rasters[spec.hidden.length + 1].push(events(out.spikes));
  }
  const layers: LayerRaster[] = [
    { name: 'input', size: spec.inputs, samples: rasters[0] },
    ...spec.hidden.map((h, k) => ({ name: `hidden ${k + 1}`, size: h.size, samples: rasters[k + 1] })),
  ];
  if (spec.output === 'spiking')
    layers.push({ name: 'output', size: spec.outputs, samples: rasters[spec.hidden.length + 1] });
  return {
    duration: spec.duration,
    layers,
    traces: { name: 'output', dt, steps, units: spec.outputs, samples: traces },
  };
}
