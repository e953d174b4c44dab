// Registers the fused scans (forward and gradient) as tfjs kernels: lifExp for the cpu, wasm
// and webgpu backends, lif for cpu and wasm. cpu and wasm run the typed-array loops of host.ts
// and lif-host.ts in JavaScript (the wasm backend's tensors live in its heap, read and written
// through views); webgpu runs WGSL.
import * as tf from '@tensorflow/tfjs-core';
import type { SurrogateSpec } from '../surrogate.js';
import type { LifExpScanConstants } from './host.js';
import { lifExpScanBackward, lifExpScanForward } from './host.js';
import type { LifScanConstants } from './lif-host.js';
import { lifScanBackward, lifScanForward } from './lif-host.js';
import type { WebGpuBackendLike } from './webgpu.js';
import { webgpuBackward, webgpuForward } from './webgpu.js';

/** Kernel name of the fused forward scan: inputs {currents}, outputs [spikes, v]. */
export const LIF_EXP_SCAN = 'PlasticityLifExpScan';
/** Kernel name of its gradient: inputs {dSpikes, dV (absent: zero), spikes, v}, output dCurrents. */
export const LIF_EXP_SCAN_GRAD = 'PlasticityLifExpScanGrad';
/** Backends with a fused scan kernel. */
export const SCAN_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
/** Kernel name of the fused lif scan: inputs {currents}, outputs [spikes, v]. */
export const LIF_SCAN = 'PlasticityLifScan';
/** Kernel name of its gradient: inputs {dSpikes, dV (absent: zero), spikes, v}, output dCurrents. */
export const LIF_SCAN_GRAD = 'PlasticityLifScanGrad';
/** Backends with the fused lif scan (no WGSL yet: webgpu runs the per-step op loop). */
export const LIF_SCAN_BACKENDS = ['cpu', 'wasm'] as const;

/** Kernel attributes: the scan constants plus the surrogate, flattened. */
export interface LifExpScanAttrs extends LifExpScanConstants {
  readonly surrogate: SurrogateSpec['kind'];
  /** The surrogate's one parameter (slope, alpha or beta; 0 for 'none'). */
  readonly surrogateScale: number;
  [key: string]: number | string;
}

/**
 * Lif scan attributes: the constants, the surrogate, and `steps`, the time steps simulated (the
 * currents' own length, or more when a one-step input is held at every step).
 */
export interface LifScanAttrs extends LifScanConstants {
  readonly steps: number;
  /** The currents' time length: `steps`, or 1 for a held input (its gradient sums over time). */
  readonly inputSteps: number;
  readonly surrogate: SurrogateSpec['kind'];
  readonly surrogateScale: number;
  [key: string]: number | string;
}

export function surrogateFromAttrs(attrs: {
  readonly surrogate: SurrogateSpec['kind'];
  readonly surrogateScale: number;
}): SurrogateSpec {
  switch (attrs.surrogate) {
    case 'fast-sigmoid':
      return { kind: 'fast-sigmoid', slope: attrs.surrogateScale };
    case 'arctan':
      return { kind: 'arctan', alpha: attrs.surrogateScale };
    case 'super-spike':
      return { kind: 'super-spike', beta: attrs.surrogateScale };
    case 'none':
      return { kind: 'none' };
  }
}

/** Typed-array access to a backend's tensors and new outputs. */
interface HostIo {
  read(t: tf.TensorInfo): Float32Array;
  /** A new float32 output of `shape` and a writable view of its values. */
  output(shape: number[]): { info: tf.TensorInfo; values: Float32Array };
  /** Re-reads an input after outputs were made (the wasm heap may have moved). */
  refresh(t: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(id: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

function cpuIo(backend: CpuBackendLike): HostIo {
  const read = (t: tf.TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
  return {
    read,
    refresh: read,
    output: (shape) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      return { info: backend.makeTensorInfo(shape, 'float32', values), values };
    },
  };
}

function wasmIo(backend: WasmBackendLike): HostIo {
  return {
    read: (t) => backend.typedArrayFromHeap(t),
    refresh: (t) => backend.typedArrayFromHeap(t),
    output: (shape) => {
      const info = backend.makeOutput(shape, 'float32');
      return {
        info,
        get values() {
          return backend.typedArrayFromHeap(info);
        },
      };
    },
  };
}

function forwardKernel(io: HostIo, currents: tf.TensorInfo, attrs: LifExpScanAttrs): tf.TensorInfo[] {
  const [steps, ...rest] = currents.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const spikes = io.output(currents.shape);
  const v = io.output(currents.shape);
  // Views are taken only after every allocation: allocating may move the wasm heap.
  lifExpScanForward(io.refresh(currents), steps, width, attrs, spikes.values, v.values);
  return [spikes.info, v.info];
}

type GradInputs = { dSpikes: tf.TensorInfo; dV?: tf.TensorInfo; spikes: tf.TensorInfo; v: tf.TensorInfo };

function backwardKernel(io: HostIo, inputs: GradInputs, attrs: LifExpScanAttrs): tf.TensorInfo {
  const [steps, ...rest] = inputs.spikes.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const out = io.output(inputs.spikes.shape);
  lifExpScanBackward(
    io.refresh(inputs.dSpikes),
    inputs.dV && io.refresh(inputs.dV),
    io.refresh(inputs.spikes),
    io.refresh(inputs.v),
    steps,
    width,
    attrs,
    surrogateFromAttrs(attrs),
    out.values,
  );
  return out.info;
}

/** The lif scan: `currents [T, B, …]`, or `[1, B, …]` held for `attrs.steps` steps. */
function lifForwardKernel(io: HostIo, currents: tf.TensorInfo, attrs: LifScanAttrs): tf.TensorInfo[] {
  const [, ...rest] = currents.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const shape = [attrs.steps, ...rest];
  const spikes = io.output(shape);
  const v = io.output(shape);
  lifScanForward(io.refresh(currents), attrs.steps, width, attrs, spikes.values, v.values);
  return [spikes.info, v.info];
}

/** The lif scan's gradient, shaped as the currents (one row summed over time for a held input). */
function lifBackwardKernel(io: HostIo, inputs: GradInputs, attrs: LifScanAttrs): tf.TensorInfo {
  const [steps, ...rest] = inputs.spikes.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const out = io.output([attrs.inputSteps, ...rest]);
  lifScanBackward(
    io.refresh(inputs.dSpikes),
    inputs.dV && io.refresh(inputs.dV),
    io.refresh(inputs.spikes),
    io.refresh(inputs.v),
    steps,
    width,
    attrs,
    surrogateFromAttrs(attrs),
    out.values,
  );
  return out.info;
}

let registered = false;

/** Registers the scan kernels for cpu, wasm and webgpu and the scan's gradient (idempotent). */
export function registerScanKernels(): void {
  if (registered) return;
  registered = true;
  const ioFor = (name: string, backend: unknown): HostIo =>
    name === 'wasm' ? wasmIo(backend as WasmBackendLike) : cpuIo(backend as CpuBackendLike);
  for (const backendName of SCAN_BACKENDS) {
    if (!tf.getKernel(LIF_EXP_SCAN, backendName)) {
      tf.registerKernel({
        kernelName: LIF_EXP_SCAN,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const scanAttrs = attrs as unknown as LifExpScanAttrs;
          return backendName === 'webgpu'
            ? webgpuForward(backend as unknown as WebGpuBackendLike, inputs.currents!, scanAttrs)
            : forwardKernel(ioFor(backendName, backend), inputs.currents!, scanAttrs);
        },
      });
    }
    if (!tf.getKernel(LIF_EXP_SCAN_GRAD, backendName)) {
      tf.registerKernel({
        kernelName: LIF_EXP_SCAN_GRAD,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const scanInputs = inputs as GradInputs;
          const scanAttrs = attrs as unknown as LifExpScanAttrs;
          if (backendName !== 'webgpu')
            return backwardKernel(ioFor(backendName, backend), scanInputs, scanAttrs);
          // lifExpScan asks for spikes alone only on host backends, so webgpu always has dV.
          const { dV } = scanInputs;
          if (dV === undefined) throw new Error(`${LIF_EXP_SCAN_GRAD} on webgpu needs dV`);
          return webgpuBackward(backend as unknown as WebGpuBackendLike, { ...scanInputs, dV }, scanAttrs);
        },
      });
    }
  }
  for (const backendName of LIF_SCAN_BACKENDS) {
    if (!tf.getKernel(LIF_SCAN, backendName)) {
      tf.registerKernel({
        kernelName: LIF_SCAN,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) =>
          lifForwardKernel(ioFor(backendName, backend), inputs.currents!, attrs as unknown as LifScanAttrs),
      });
    }
    if (!tf.getKernel(LIF_SCAN_GRAD, backendName)) {
      tf.registerKernel({
        kernelName: LIF_SCAN_GRAD,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) =>
          lifBackwardKernel(
            ioFor(backendName, backend),
            inputs as GradInputs,
            attrs as unknown as LifScanAttrs,
          ),
      });
    }
  }
  if (!tf.getGradient(LIF_SCAN)) {
    tf.registerGradient({
      kernelName: LIF_SCAN,
      outputsToSave: [true, true],
      gradFunc: (dy, saved, attrs) => {
        const [dSpikes, dV] = dy as tf.Tensor[];
        const [spikes, v] = saved;
        return {
          currents: () =>
            tf.engine().runKernel(LIF_SCAN_GRAD, { dSpikes, dV, spikes, v }, attrs) as tf.Tensor,
        };
      },
    });
  }
  if (!tf.getGradient(LIF_EXP_SCAN)) {
    tf.registerGradient({
      kernelName: LIF_EXP_SCAN,
      outputsToSave: [true, true],
      gradFunc: (dy, saved, attrs) => {
        const [dSpikes, dV] = dy as tf.Tensor[];
        const [spikes, v] = saved;
        return {
          currents: () =>
            tf.engine().runKernel(LIF_EXP_SCAN_GRAD, { dSpikes, dV, spikes, v }, attrs) as tf.Tensor,
        };
      },
    });
  }
}
