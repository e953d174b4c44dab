// The fused lifExp scan as WGSL compute shaders for the webgpu backend: one invocation per
// neuron (b, n) walks the time axis, so consecutive invocations read consecutive addresses.
import type * as tf from '@tensorflow/tfjs-core';
import type { SurrogateSpec } from '../surrogate.js';
import type { LifExpScanAttrs } from './kernels.js';

/** The part of tfjs-backend-webgpu's WebGPUProgram interface these shaders fill. */
interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

interface Uniform {
  type: 'float32' | 'int32';
  data: number[];
}

/** The webgpu backend method that compiles (cached by shaderKey and shapes) and runs a program. */
export interface WebGpuBackendLike {
  runWebGPUProgram(
    program: Program,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms?: Uniform[],
  ): tf.TensorInfo;
}

const WORKGROUP = 64;
const SCAN_UNIFORMS =
  'alphaMem : f32, alphaSyn : f32, coupling : f32, threshold : f32, surrogateScale : f32, ' +
  'steps : i32, width : i32, refractorySteps : i32, ';

function scanUniforms(attrs: LifExpScanAttrs, steps: number, width: number): Uniform[] {
  return [
    { type: 'float32', data: [attrs.alphaMem] },
    { type: 'float32', data: [attrs.alphaSyn] },
    { type: 'float32', data: [attrs.coupling] },
    { type: 'float32', data: [attrs.threshold] },
    { type: 'float32', data: [attrs.surrogateScale] },
    { type: 'int32', data: [steps] },
    { type: 'int32', data: [width] },
    { type: 'int32', data: [attrs.refractorySteps] },
  ];
}

function perNeuronProgram(
  shape: number[],
  variableNames: string[],
  shaderKey: string,
  body: string,
): Program {
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    variableNames,
    outputShape: shape,
    shaderKey,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(width / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: SCAN_UNIFORMS,
    getUserCode: () => body,
  };
}

function surrogateWgsl(kind: SurrogateSpec['kind']): string {
  switch (kind) {
    case 'fast-sigmoid':
    case 'super-spike':
      return 'let d = 1.0 + uniforms.surrogateScale * abs(x); return 1.0 / (d * d);';
    case 'arctan':
      return 'let u = 1.5707963267948966 * uniforms.surrogateScale * x; return 0.5 * uniforms.surrogateScale / (1.0 + u * u);';
    case 'none':
      return 'return 0.0;';
  }
}

const FORWARD = `
  fn main(index : i32) {
    if (index >= uniforms.width) { return; }
    var v = 0.0;
    var i = 0.0;
    var hold = 0;
    for (var t = 0; t < uniforms.steps; t++) {
      let n = t * uniforms.width + index;
      var vt = v * uniforms.alphaMem + i * uniforms.coupling;
      i = i * uniforms.alphaSyn + currents[n];
      if (hold > 0) {
        vt = 0.0;
        hold--;
      }
      result[n] = vt;
      if (vt >= uniforms.threshold) {
        v = 0.0;
        hold = uniforms.refractorySteps;
      } else {
        v = vt;
      }
    }
  }`;

// Spikes are exactly the steps where the pre-reset voltage reached the threshold.
const SPIKES = `
  fn main(index : i32) {
    if (index < uniforms.width * uniforms.steps) {
      result[index] = select(0.0, 1.0, v[index] >= uniforms.threshold);
    }
  }`;

function backwardWgsl(kind: SurrogateSpec['kind']): string {
  return `
  fn surrogate(x : f32) -> f32 { ${surrogateWgsl(kind)} }

  // Within a refractory period after a spike in the last refractorySteps steps.
  fn held(t : i32, index : i32) -> bool {
    for (var k = 1; k <= uniforms.refractorySteps; k++) {
      if (t - k >= 0 && spikes[(t - k) * uniforms.width + index] > 0.0) { return true; }
    }
    return false;
  }

  fn main(index : i32) {
    if (index >= uniforms.width) { return; }
    var gVAfter = 0.0;
    var gI = 0.0;
    for (var t = uniforms.steps - 1; t >= 0; t--) {
      let n = t * uniforms.width + index;
      result[n] = gI;
      var g = dV[n] + dSpikes[n] * surrogate(v[n] - uniforms.threshold) + gVAfter * (1.0 - spikes[n]);
      if (held(t, index)) { g = 0.0; }
      gVAfter = g * uniforms.alphaMem;
      gI = g * uniforms.coupling + gI * uniforms.alphaSyn;
    }
  }`;
}

function sizes(shape: number[]): { steps: number; width: number } {
  return { steps: shape[0], width: shape.slice(1).reduce((a, b) => a * b, 1) };
}

/** Forward scan on webgpu: returns [spikes, v]. */
export function webgpuForward(
  backend: WebGpuBackendLike,
  currents: tf.TensorInfo,
  attrs: LifExpScanAttrs,
): tf.TensorInfo[] {
  const { steps, width } = sizes(currents.shape);
  const uniforms = scanUniforms(attrs, steps, width);
  const v = backend.runWebGPUProgram(
    perNeuronProgram(currents.shape, ['currents'], 'plasticityLifExpScan', FORWARD),
    [currents],
    'float32',
    uniforms,
  );
  const spikesProgram = perNeuronProgram(currents.shape, ['v'], 'plasticityLifExpSpikes', SPIKES);
  spikesProgram.dispatch = [Math.ceil((steps * width) / WORKGROUP), 1, 1];
  const spikes = backend.runWebGPUProgram(spikesProgram, [v], 'float32', uniforms);
  return [spikes, v];
}

/** Gradient scan on webgpu: returns dCurrents. */
export function webgpuBackward(
  backend: WebGpuBackendLike,
  inputs: { dSpikes: tf.TensorInfo; dV: tf.TensorInfo; spikes: tf.TensorInfo; v: tf.TensorInfo },
  attrs: LifExpScanAttrs,
): tf.TensorInfo {
  const { steps, width } = sizes(inputs.spikes.shape);
  return backend.runWebGPUProgram(
    perNeuronProgram(
      inputs.spikes.shape,
      ['dSpikes', 'dV', 'spikes', 'v'],
      `plasticityLifExpScanGrad_${attrs.surrogate}`,
      backwardWgsl(attrs.surrogate),
    ),
    [inputs.dSpikes, inputs.dV, inputs.spikes, inputs.v],
    'float32',
    scanUniforms(attrs, steps, width),
  );
}
