import { PlasticityError, paramName } from '@plasticity/core-tensors';
import {
  EVENT_LOSS_OUTPUT,
  eventPropCompatible,
  layerConfigError,
  lifExpParams,
  resolveLayers,
} from '@plasticity/neurons';
import type { InitSpec, LayerSpec, LifExpParams, NetworkSpec } from '@plasticity/neurons';
import type { EventpropConfig, NormalInit } from './config.js';

/** What a `layers` config gives the engine: its network shape, neuron model and weight inits. */
export interface LayerNetwork {
  readonly hidden: NetworkSpec['hidden'];
  readonly output: NetworkSpec['output'];
  readonly model: LifExpParams;
  /** Init of a weight named `layer<k>/kernel` or `layer<k>/recurrent`, when its layer sets one (else the config's defaults). */
  readonly inits: Readonly<Record<string, NormalInit>>;
}

function configError(message: string, field: string): PlasticityError {
  return new PlasticityError('E_CONFIG', `eventprop: ${message}`, { field });
}

/** Layer errors of the neurons package as config errors on `layers[i].field`. */
function resolve(layers: readonly LayerSpec[], inputs: number): void {
  try {
    resolveLayers(layers, [inputs]);
  } catch (error) {
    throw layerConfigError(error, 'eventprop');
  }
}

/** EventProp draws weights from normal distributions only. */
function normalInit(init: InitSpec | undefined, field: string): NormalInit | undefined {
  if (init === undefined) return undefined;
  if (typeof init === 'object' && init.dist === 'normal') return { mean: init.mean, std: init.std };
  throw configError(
    `EventProp takes only {dist: 'normal', mean, std} inits, got ${JSON.stringify(init)}`,
    field,
  );
}

/**
 * Translates a layer list into EventProp's network: `dense`/`recurrent` connections, `lif-exp`
 * hidden layers and a `lif-exp` (loss ttfs) or `li` (voltage losses) readout, one neuron model
 * throughout (each layer's τm, τs, ϑ default to the config's). Anything else is E_CONFIG naming
 * the layer and what EventProp cannot take.
 */
export function layerNetwork(
  layers: readonly LayerSpec[],
  config: EventpropConfig,
  inputs: number,
  outputs: number,
): LayerNetwork {
  if (config.init !== undefined) {
    throw configError('init belongs to the hidden form; with layers, set init per layer', 'init');
  }
  const compatible = eventPropCompatible(layers);
  if (!compatible.ok) throw configError(compatible.reason, `layers[${compatible.index}]`);
  resolve(layers, inputs);
  const defaults = { tauMem: config.tauMem, tauSyn: config.tauSyn, threshold: config.threshold };
  let model: LifExpParams | undefined;
  const hidden: { size: number; recurrent: boolean }[] = [];
  const inits: Record<string, NormalInit> = {};
  for (let index = 0; index < layers.length; index += 2) {
    const connection = layers[index] as Extract<LayerSpec, { type: 'dense' | 'recurrent' }>;
    const neuron = layers[index + 1] as Extract<LayerSpec, { type: 'lif-exp' | 'li' }>;
    const k = index / 2;
    const last = index + 2 === layers.length;
    const kernel = normalInit(connection.init, `layers[${index}].init`);
    if (kernel) inits[paramName(k, 'kernel')] = kernel;
    if (connection.type === 'recurrent') {
      const recurrent = normalInit(
        connection.recurrentInit ?? connection.init,
        `layers[${index}].recurrentInit`,
      );
      if (recurrent) inits[paramName(k, 'recurrent')] = recurrent;
    }
    const { tauMem, tauSyn, threshold } = { ...defaults, ...neuron } as typeof defaults;
    const mine = lifExpParams({ tauMem, tauSyn, threshold });
    model ??= mine;
    const same = mine.tauMem === model.tauMem && mine.tauSyn === model.tauSyn;
    if (!same || (neuron.type === 'lif-exp' && mine.threshold !== model.threshold)) {
      throw configError(
        `layer ${index + 1} (${neuron.type}): EventProp simulates one neuron model in every layer; its tauMem, tauSyn and threshold must match layer 1's`,
        `layers[${index + 1}]`,
      );
    }
    if (!last) hidden.push({ size: connection.units, recurrent: connection.type === 'recurrent' });
    else if (connection.units !== outputs) {
      throw configError(
        `layer ${index} (${connection.type}) must have one unit per class (${outputs}), got ${connection.units}`,
        `layers[${index}].units`,
      );
    }
  }
  const lastType = layers[layers.length - 1].type;
  const output = lastType === 'li' ? EVENT_LOSS_OUTPUT[config.loss] : 'spiking';
  if (EVENT_LOSS_OUTPUT[config.loss] !== output) {
    throw configError(
      `loss ${config.loss} needs ${EVENT_LOSS_OUTPUT[config.loss] === 'spiking' ? 'a lif-exp' : 'an li'} readout, the last layer is ${lastType}`,
      'loss',
    );
  }
  return { hidden, output, model: model!, inits };
}
