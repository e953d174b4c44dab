// Registers the fused lifExp scan (forward and gradient) as tfjs kernels for the cpu, wasm and
// webgpu backends. cpu and wasm run the typed-array loops of host.ts in JavaScript (the wasm
// backend's tensors live in its heap, read and written through views); webgpu runs WGSL.
import * as tf from '@tensorflow/tfjs-core';
import type { SurrogateSpec } from '../surrogate.js';
import type { LifExpScanConstants } from './host.js';
import { lifExpScanBackward, lifExpScanForward } from './host.js';
import type { WebGpuBackendLike } from './webgpu.js';
import { webgpuBackward, webgpuForward } from './webgpu.js';

/** Kernel name of the fused forward scan: inputs {currents}, outputs [spikes, v]. */
export const LIF_EXP_SCAN = 'PlasticityLifExpScan';
/** Kernel name of its gradient: inputs {dSpikes, dV, spikes, v}, output dCurrents. */
export const LIF_EXP_SCAN_GRAD = 'PlasticityLifExpScanGrad';
/** Backends with a fused scan kernel. */
export const SCAN_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;

/** Kernel attributes: the scan constants plus the surrogate, flattened. */
export interface LifExpScanAttrs extends LifExpScanConstants {
  readonly surrogate: SurrogateSpec['kind'];
  /** The surrogate's one parameter (slope, alpha or beta; 0 for 'none'). */
  readonly surrogateScale: number;
  [key: string]: number | string;
}

export function surrogateFromAttrs(attrs: LifExpScanAttrs): SurrogateSpec {
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

type GradInputs = { dSpikes: tf.TensorInfo; dV: tf.TensorInfo; spikes: tf.TensorInfo; v: tf.TensorInfo };

function backwardKernel(io: HostIo, inputs: GradInputs, attrs: LifExpScanAttrs): tf.TensorInfo {
  const [steps, ...rest] = inputs.spikes.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const out = io.output(inputs.spikes.shape);
  lifExpScanBackward(
    io.refresh(inputs.dSpikes),
    io.refresh(inputs.dV),
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
          return backendName === 'webgpu'
            ? webgpuBackward(backend as unknown as WebGpuBackendLike, scanInputs, scanAttrs)
            : backwardKernel(ioFor(backendName, backend), scanInputs, scanAttrs);
        },
      });
    }
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
