import * as tf from '@tensorflow/tfjs-core';

// Running the hand-written WebAssembly kernels (*.wat beside this file, compiled into *.wasm.ts)
// as tfjs kernels: on the wasm backend over its own heap, on the cpu backend through a scratch
// memory of ours.

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

/** A kernel module's exported functions over one memory. */
export type KernelExports = Record<string, (...args: number[]) => void>;

/** One .wat module in its two variants: importing an ordinary memory, or a shared one. */
export class SimdModule {
  private compiled: { plain: object; shared?: object } | null | undefined;
  private readonly instances = new WeakMap<WasmMemory, KernelExports>();

  constructor(
    private readonly name: string,
    private readonly plain: string,
    private readonly shared: string,
  ) {}

  /** False where this engine lacks WebAssembly SIMD (the callers then run tfjs' own ops). */
  get available(): boolean {
    if (this.compiled === undefined) {
      const [plain, shared] = [decode(this.plain), decode(this.shared)];
      // Small modules compile synchronously everywhere, browsers' main threads included.
      this.compiled =
        wasmApi !== undefined && wasmApi.validate(plain)
          ? {
              plain: new wasmApi.Module(plain),
              shared: wasmApi.validate(shared) ? new wasmApi.Module(shared) : undefined,
            }
          : null;
    }
    return this.compiled !== null;
  }

  /** The module's functions bound to `memory`. */
  exportsFor(memory: WasmMemory): KernelExports {
    let exports = this.instances.get(memory);
    if (exports === undefined) {
      if (!this.available) throw new Error(`${this.name}: this engine lacks WebAssembly SIMD`);
      // By tag, not instanceof: the buffer may come from another realm (a vm context, a test runner).
      const isShared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
      const module = isShared ? this.compiled!.shared : this.compiled!.plain;
      if (module === undefined) throw new Error(`${this.name}: this engine cannot import a shared memory`);
      exports = new wasmApi!.Instance(module, { env: { memory } }).exports as KernelExports;
      this.instances.set(memory, exports);
    }
    return exports;
  }
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

/**
 * Runs `call` on the wasm backend's heap: it gets the byte address of each input and of a new
 * float32 output per shape in `outputs` (all allocated first: an allocation may grow the heap),
 * and the inputs' values to read scalars from.
 */
export function runOnWasmHeap(
  module: SimdModule,
  backend: unknown,
  inputs: readonly tf.TensorInfo[],
  outputs: readonly number[][],
  call: (
    exports: KernelExports,
    inputAt: number[],
    outputAt: number[],
    values: (i: number) => Float32Array,
  ) => void,
): tf.TensorInfo[] {
  const wasm = backend as WasmBackendLike;
  const memory = wasm.wasm.wasmMemory ?? wasm.wasm.asm?.memory;
  if (memory === undefined) throw new Error('the wasm backend’s memory is not reachable');
  const made = outputs.map((shape) => wasm.makeOutput(shape, 'float32'));
  const at = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t).byteOffset;
  call(module.exportsFor(memory), inputs.map(at), made.map(at), (i) => wasm.typedArrayFromHeap(inputs[i]));
  return made;
}

let scratch: WasmMemory | undefined;

/**
 * Runs `call` on the cpu backend: the inputs are copied into a scratch memory, `call` gets their
 * byte addresses and those of zeroed output areas of `outputs`' sizes, and the outputs are copied
 * out into new tensors.
 */
export function runOnCpuScratch(
  module: SimdModule,
  backend: unknown,
  inputs: readonly tf.TensorInfo[],
  outputs: readonly number[][],
  call: (
    exports: KernelExports,
    inputAt: number[],
    outputAt: number[],
    values: (i: number) => Float32Array,
  ) => void,
): tf.TensorInfo[] {
  const cpu = backend as CpuBackendLike;
  const read = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values as Float32Array;
  const sizes = [
    ...inputs.map((t) => read(t).length),
    ...outputs.map((shape) => shape.reduce((a, b) => a * b, 1)),
  ];
  // 16-byte aligned areas, back to back.
  const offsets: number[] = [];
  let bytes = 0;
  for (const size of sizes) {
    offsets.push(bytes);
    bytes += Math.ceil((size * 4) / 16) * 16;
  }
  scratch ??= new wasmApi!.Memory({ initial: 1 });
  if (scratch.buffer.byteLength < bytes) scratch.grow(Math.ceil((bytes - scratch.buffer.byteLength) / 65536));
  const heap = scratch.buffer as ArrayBuffer;
  inputs.forEach((t, i) => new Float32Array(heap, offsets[i], sizes[i]).set(read(t)));
  outputs.forEach((_, o) =>
    new Float32Array(heap, offsets[inputs.length + o], sizes[inputs.length + o]).fill(0),
  );
  call(module.exportsFor(scratch), offsets.slice(0, inputs.length), offsets.slice(inputs.length), (i) =>
    read(inputs[i]),
  );
  return outputs.map((shape, o) =>
    cpu.makeTensorInfo(
      shape,
      'float32',
      new Float32Array(heap, offsets[inputs.length + o], sizes[inputs.length + o]).slice(),
    ),
  );
}

/** A kernel of a `SimdModule`: its inputs by name, in the order `call` gets their addresses. */
export interface SimdKernel {
  readonly inputs: readonly string[];
  /** Shapes of the float32 outputs, from the inputs (in `inputs` order). */
  outputs(inputs: readonly tf.TensorInfo[]): number[][];
  call(
    exports: KernelExports,
    inputAt: number[],
    outputAt: number[],
    context: {
      readonly inputs: readonly tf.TensorInfo[];
      readonly values: (i: number) => Float32Array;
      readonly attrs: tf.NamedAttrMap | undefined;
    },
  ): void;
}

/**
 * Registers `kernel` as `kernelName` on cpu (through a scratch memory) and wasm (on its heap),
 * where it is not registered yet. One output comes back as a tensor, several as a list.
 */
export function registerSimdKernel(module: SimdModule, kernelName: string, kernel: SimdKernel): void {
  for (const [backendName, run] of [
    ['cpu', runOnCpuScratch],
    ['wasm', runOnWasmHeap],
  ] as const) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const tensors = kernel.inputs.map((name) => inputs[name]!);
        const made = run(module, backend, tensors, kernel.outputs(tensors), (exports, at, out, values) =>
          kernel.call(exports, at, out, { inputs: tensors, values, attrs }),
        );
        return made.length === 1 ? made[0] : made;
      },
    });
  }
}
