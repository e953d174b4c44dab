import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import { reasonOf } from './environment.js';
import type { ConcreteBackendName } from './types.js';

/**
 * `tf.setBackend(name)` that fails loudly. tfjs only logs why a backend failed and returns
 * false, and its next op then silently initialises the best other backend; here the factory's
 * error becomes the E_BACKEND reason and the previously active backend stays active.
 */
export async function activateTfBackend(tfjsName: string, label: ConcreteBackendName): Promise<void> {
  const engine = tf.engine();
  const entry = engine.registryFactory[tfjsName];
  if (!entry) {
    throw new PlasticityError(
      'E_BACKEND',
      `${label}: no tfjs backend "${tfjsName}" is registered with this @tensorflow/tfjs-core ` +
        `(${tf.version_core}); is a second copy of @tensorflow/tfjs-core installed? Run \`npm ls @tensorflow/tfjs-core\`.`,
      { backend: label },
    );
  }
  const previous = engine.backendName in engine.registry ? engine.backendName : undefined;
  let failure: unknown;
  const factory = entry.factory;
  if (!(tfjsName in engine.registry)) {
    entry.factory = () => {
      try {
        const made = factory();
        return made instanceof Promise
          ? made.catch((error: unknown) => {
              failure = error;
              throw error;
            })
          : made;
      } catch (error) {
        failure = error;
        throw error;
      }
    };
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfjsName);
  } catch (error) {
    ok = false;
    failure ??= error;
  } finally {
    entry.factory = factory;
  }
  if (ok) {
    await tf.ready();
    return;
  }
  if (previous !== undefined && previous !== tfjsName) await tf.setBackend(previous);
  throw new PlasticityError(
    'E_BACKEND',
    `${label} backend failed to start: ${failure === undefined ? 'tfjs gave no reason' : reasonOf(failure)}`,
    { backend: label },
    { cause: failure },
  );
}
