import * as tf from '@tensorflow/tfjs-core';
import { PLAIN, SHARED } from './adam.wasm.js';

// The fused Adam step as a tfjs kernel on the cpu and wasm backends: one WebAssembly SIMD pass
// (adam.wat) instead of tfjs' fourteen element-wise ops, each a pass over the parameters with a
// fresh allocation. On wasm it works on the backend's heap in place of copies; on cpu it copies
// through a scratch memory of its own. Results are bit-identical to tfjs' AdamOptimizer.

/** Kernel name: inputs {param, m, v, grad, beta1Power, beta2Power}, outputs [param, m, v]. */
export const FUSED_ADAM = 'PlasticityAdam';
/** Backends the fused kernel is registered for. */
export const FUSED_ADAM_BACKENDS = ['cpu', 'wasm'] as const;

/** Kernel attributes: the optimiser's hyper-parameters. */
export interface FusedAdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  [key: string]: number;
}

type AdamFunction = (
  p: number,
  m: number,
  v: number,
  g: number,
  pOut: number,
  mOut: number,
  vOut: number,
  n: number,
  ...constants: number[]
) => void;

// The few WebAssembly JS API members used here (the project's TypeScript libs omit the DOM's).
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const decode = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

let compiled: { plain: object; shared?: object } | null | undefined;

/** The compiled variants, or null where this engine lacks WebAssembly SIMD. */
function modules(): typeof compiled {
  if (compiled !== undefined) return compiled;
  const [plain, shared] = [decode(PLAIN), decode(SHARED)];
  // Small modules compile synchronously everywhere, browsers' main threads included.
  compiled =
    wasmApi !== undefined && wasmApi.validate(plain)
      ? {
          plain: new wasmApi.Module(plain),
          shared: wasmApi.validate(shared) ? new wasmApi.Module(shared) : undefined,
        }
      : null;
  return compiled;
}

const instances = new WeakMap<WasmMemory, AdamFunction>();

/** The kernel function bound to `memory`. */
function adamIn(memory: WasmMemory): AdamFunction {
  let adam = instances.get(memory);
  if (adam === undefined) {
    const { plain, shared } = modules()!;
    // By tag, not instanceof: the buffer may come from another realm (a vm context, a test runner).
    const isShared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
    const module = isShared ? shared : plain;
    if (module === undefined) throw new Error(`${FUSED_ADAM}: this engine cannot import a shared memory`);
    const instance = new wasmApi!.Instance(module, { env: { memory } });
    adam = instance.exports.adam as AdamFunction;
    instances.set(memory, adam);
  }
  return adam;
}

/** The float32 constants the kernel takes, rounded as tfjs rounds its scalars. */
function constants(attrs: FusedAdamAttrs, beta1Power: number, beta2Power: number): number[] {
  const f = Math.fround;
  return [
    f(attrs.beta1),
    f(attrs.beta2),
    f(1 - attrs.beta1),
    f(1 - attrs.beta2),
    // 1 − β^t as one float32 subtraction, like tfjs' sub(1, accBeta).
    f(1 - beta1Power),
    f(1 - beta2Power),
    f(attrs.epsilon),
    f(-attrs.learningRate),
  ];
}

interface WasmBackendLike {
  wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(id: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

type Inputs = Record<'param' | 'm' | 'v' | 'grad' | 'beta1Power' | 'beta2Power', tf.TensorInfo>;

function wasmKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { param, m, v, grad, beta1Power, beta2Power } = inputs as Inputs;
  const wasm = backend as unknown as WasmBackendLike;
  const memory = wasm.wasm.wasmMemory ?? wasm.wasm.asm?.memory;
  if (memory === undefined) throw new Error(`${FUSED_ADAM}: the wasm backend's memory is not reachable`);
  const outputs = [param, m, v].map((t) => wasm.makeOutput(t.shape, 'float32'));
  // Addresses only after every allocation: the heap may have grown (and moved its views).
  const at = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t).byteOffset;
  const powers = [wasm.typedArrayFromHeap(beta1Power)[0], wasm.typedArrayFromHeap(beta2Power)[0]];
  const size = tf.util.sizeFromShape(param.shape);
  adamIn(memory)(
    at(param),
    at(m),
    at(v),
    at(grad),
    ...(outputs.map(at) as [number, number, number]),
    size,
    ...constants(attrs as FusedAdamAttrs, powers[0], powers[1]),
  );
  return outputs;
}

let scratch: WasmMemory | undefined;

function cpuKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { param, m, v, grad, beta1Power, beta2Power } = inputs as Inputs;
  const cpu = backend as unknown as CpuBackendLike;
  const read = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values as Float32Array;
  const size = tf.util.sizeFromShape(param.shape);
  const bytes = 4 * size * 4;
  scratch ??= new wasmApi!.Memory({ initial: 1 });
  if (scratch.buffer.byteLength < bytes) scratch.grow(Math.ceil((bytes - scratch.buffer.byteLength) / 65536));
  const heap = new Float32Array(scratch.buffer, 0, 4 * size);
  [param, m, v, grad].forEach((t, k) => heap.set(read(t), k * size));
  const [p0, m0, v0, g0] = [0, 1, 2, 3].map((k) => k * size * 4);
  adamIn(scratch)(
    p0,
    m0,
    v0,
    g0,
    p0,
    m0,
    v0,
    size,
    ...constants(attrs as FusedAdamAttrs, read(beta1Power)[0], read(beta2Power)[0]),
  );
  return [0, 1, 2].map((k) =>
    cpu.makeTensorInfo(param.shape, 'float32', heap.slice(k * size, (k + 1) * size)),
  );
}

/**
 * Registers the fused Adam kernel for cpu and wasm, once; false where WebAssembly SIMD is
 * missing (the optimiser then runs tfjs' own ops).
 */
export function registerFusedAdam(): boolean {
  if (modules() === null) return false;
  for (const [backendName, kernelFunc] of [
    ['cpu', cpuKernel],
    ['wasm', wasmKernel],
  ] as const) {
    if (tf.getKernel(FUSED_ADAM, backendName) === undefined) {
      tf.registerKernel({ kernelName: FUSED_ADAM, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
    }
  }
  return true;
}
