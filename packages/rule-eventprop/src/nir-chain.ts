import { PlasticityError, paramName } from '@plasticity/core-tensors';
import type { LayerChain, LayerChainOptions, Learner } from '@plasticity/core-tensors';
import type { LayerSpec } from '@plasticity/neurons';
import type { EventPropLearner } from './rule.js';

// EventProp's network as a layer chain, for NIR export: [dense | recurrent, lif-exp] per hidden
// layer, then [dense, lif-exp] (ttfs) or [dense, li] (voltage losses). The event engine is exact
// in continuous time; the chain's neurons step by the dt the caller asks for, and the NIR export
// sets w_in so that a stepped reader holding each input spike over one step deposits exactly the
// engine's charge (I += w). The weights are the engine's, unchanged.

/**
 * The chain of an EventProp learner, its neurons stepping at `options.dt` ms (required: the
 * engine has no step of its own). The chain's weights are the learner's variables, renamed from
 * the engine's `layers.<k>` (k-th connection) to the chain's `layers.<2k>` (k-th connection is
 * the chain's layer 2k).
 */
export function eventpropLayerChain(learner: Learner, options: LayerChainOptions = {}): LayerChain {
  const { dt } = options;
  if (dt === undefined || !(dt > 0)) {
    throw new PlasticityError(
      'E_USAGE',
      'eventprop simulates exact continuous time and has no step: a layer chain for stepped simulators ' +
        `(NIR export) needs the step dt in ms (plasticity export --dt MS)${dt === undefined ? '' : `, got ${dt}`}`,
      { field: 'dt' },
    );
  }
  const { network, params } = learner as EventPropLearner;
  const { spec } = network;
  const { tauMem, tauSyn, threshold } = spec.model;
  const layers: LayerSpec[] = [];
  const chainParams: Record<string, LayerChain['params'][string]> = {};
  const connect = (k: number, units: number, recurrent: boolean) => {
    layers.push({ type: recurrent ? 'recurrent' : 'dense', units, bias: false });
    chainParams[paramName(2 * k, 'kernel')] = params[paramName(k, 'kernel')];
    if (recurrent) chainParams[paramName(2 * k, 'recurrent')] = params[paramName(k, 'recurrent')];
  };
  spec.hidden.forEach((hidden, k) => {
    connect(k, hidden.size, hidden.recurrent);
    layers.push({ type: 'lif-exp', tauMem, tauSyn, threshold, dt });
  });
  connect(spec.hidden.length, spec.outputs, false);
  layers.push(
    spec.output === 'spiking'
      ? { type: 'lif-exp', tauMem, tauSyn, threshold, dt }
      : { type: 'li', tauMem, tauSyn, dt },
  );
  return { layers, inputShape: [spec.inputs], dt, params: chainParams };
}
