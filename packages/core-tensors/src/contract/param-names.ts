/**
 * What a layer's weight is: its input kernel, its bias, its recurrent kernel, or its neurons'
 * initial phases (oscillator neurons whose starting state is learned), or their firing thresholds.
 */
export type ParamKind = 'kernel' | 'bias' | 'recurrent' | 'phase' | 'threshold';

/**
 * The one naming scheme of weights in a `ParamMap`, checkpoints and EASGD: `layers.{k}.{kind}`,
 * as PyTorch state dicts name them, so a safetensors checkpoint reads the same in Python.
 */
export const paramName = (layer: number, kind: ParamKind): string => `layers.${layer}.${kind}`;
