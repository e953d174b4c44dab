import type { LayerSpec } from './spec.js';

export type Compatibility =
  | { readonly ok: true }
  /** `index`: the first layer EventProp cannot take (`layers.length` when one is missing). */
  | { readonly ok: false; readonly index: number; readonly reason: string };

/**
 * Whether an event-driven engine (EventProp) can take `layers`: alternating `dense`/`recurrent`
 * connections without bias and neuron layers, hidden ones `lif-exp` without a refractory
 * period, the last one `lif-exp` (spiking readout) or `li`. Says which layer breaks it.
 */
export function eventPropCompatible(layers: readonly LayerSpec[]): Compatibility {
  const fail = (index: number, why: string): Compatibility => ({
    ok: false,
    index,
    reason: `layer ${index} (${layers[index]?.type ?? 'missing'}): ${why}`,
  });
  if (layers.length === 0 || layers.length % 2 !== 0) {
    return fail(layers.length, 'EventProp needs connection/neuron pairs, ending with a neuron layer');
  }
  for (let index = 0; index < layers.length; index += 2) {
    const connection = layers[index];
    if (connection.type !== 'dense' && connection.type !== 'recurrent') {
      return fail(index, 'EventProp takes only dense and recurrent connections');
    }
    if (connection.bias) return fail(index, 'EventProp has no bias');
    const neuron = layers[index + 1];
    const last = index + 2 === layers.length;
    const allowed = last && connection.type === 'dense' ? ['lif-exp', 'li'] : ['lif-exp'];
    if (!allowed.includes(neuron.type)) {
      return fail(
        index + 1,
        `EventProp needs ${allowed.join(' or ')} here (exact exponential-synapse dynamics)`,
      );
    }
    if (neuron.type === 'lif-exp' && (neuron.refractory ?? 0) > 0) {
      return fail(index + 1, 'EventProp has no refractory period');
    }
  }
  return { ok: true };
}
