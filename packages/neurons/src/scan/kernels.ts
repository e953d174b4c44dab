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

/** The surrogate as scan kernels carry it in their attributes. */
interface ScanSurrogate {
  readonly surrogate: SurrogateSpec['kind'];
  readonly surrogateScale: number;
}

export function surrogateFromAttrs(attrs: ScanSurrogate): SurrogateSpec {
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

type GradInputs = { dSpikes: tf.TensorInfo; dV?: tf.TensorInfo; spikes: tf.TensorInfo; v: tf.TensorInfo };

/** A host scan loop: `currents` (T rows, or one held row) → `spikes`, `v` of `steps` rows of `width`. */
type HostForward<A> = (
  currents: Float32Array,
  steps: number,
  width: number,
  attrs: A,
  spikes: Float32Array,
  v: Float32Array,
) => void;
/** Its reverse-time loop: the gradients of the outputs (`dV` absent: zero) → `dCurrents`. */
type HostBackward<A> = (
  dSpikes: Float32Array,
  dV: Float32Array | undefined,
  spikes: Float32Array,
  v: Float32Array,
  steps: number,
  width: number,
  attrs: A,
  surrogate: SurrogateSpec,
  dCurrents: Float32Array,
) => void;

/** A forward scan kernel on a host backend: outputs spikes and v `[steps, …currents' rest]`. */
function hostForward<A>(
  run: HostForward<A>,
  io: HostIo,
  currents: tf.TensorInfo,
  steps: number,
  attrs: A,
): tf.TensorInfo[] {
  const [, ...rest] = currents.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const spikes = io.output([steps, ...rest]);
  const v = io.output([steps, ...rest]);
  // Views are taken only after every allocation: allocating may move the wasm heap.
  run(io.refresh(currents), steps, width, attrs, spikes.values, v.values);
  return [spikes.info, v.info];
}

/** A gradient scan kernel on a host backend: dCurrents `[inputSteps, …]` (1 for a held input). */
function hostBackward<A extends ScanSurrogate>(
  run: HostBackward<A>,
  io: HostIo,
  inputs: GradInputs,
  inputSteps: number,
  attrs: A,
): tf.TensorInfo {
  const [steps, ...rest] = inputs.spikes.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const out = io.output([inputSteps, ...rest]);
  run(
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

/** The gradient of a scan kernel: its gradient kernel on the saved outputs, with the same attrs. */
function registerScanGradient(scan: string, grad: string): void {
  if (tf.getGradient(scan)) return;
  tf.registerGradient({
    kernelName: scan,
    outputsToSave: [true, true],
    gradFunc: (dy, saved, attrs) => {
      const [dSpikes, dV] = dy as tf.Tensor[];
      const [spikes, v] = saved;
      return {
        currents: () => tf.engine().runKernel(grad, { dSpikes, dV, spikes, v }, attrs) as tf.Tensor,
      };
    },
  });
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
          const currents = inputs.currents!;
          return backendName === 'webgpu'
            ? webgpuForward(backend as unknown as WebGpuBackendLike, currents, scanAttrs)
            : hostForward(
                lifExpScanForward,
                ioFor(backendName, backend),
                currents,
                currents.shape[0],
                scanAttrs,
              );
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
          if (backendName !== 'webgpu') {
            const io = ioFor(backendName, backend);
            return hostBackward(lifExpScanBackward, io, scanInputs, scanInputs.spikes.shape[0], scanAttrs);
          }
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
        kernelFunc: ({ inputs, backend, attrs }) => {
          const scanAttrs = attrs as unknown as LifScanAttrs;
          return hostForward(
            lifScanForward,
            ioFor(backendName, backend),
            inputs.currents!,
            scanAttrs.steps,
            scanAttrs,
          );
        },
      });
    }
    if (!tf.getKernel(LIF_SCAN_GRAD, backendName)) {
      tf.registerKernel({
        kernelName: LIF_SCAN_GRAD,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const scanAttrs = attrs as unknown as LifScanAttrs;
          const io = ioFor(backendName, backend);
          return hostBackward(lifScanBackward, io, inputs as GradInputs, scanAttrs.inputSteps, scanAttrs);
        },
      });
    }
  }
  registerScanGradient(LIF_EXP_SCAN, LIF_EXP_SCAN_GRAD);
  registerScanGradient(LIF_SCAN, LIF_SCAN_GRAD);
}
