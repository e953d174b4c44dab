import { fromWorkerError, toWorkerError } from '@plasticity/core-tensors';
import type { CenterStore, WriteToken } from '../store/center-store.js';
import { checkLength } from '../store/memory-store.js';
import type { CenterAnswer, CenterCall } from './protocol.js';

type CenterOp =
  | { op: 'init'; values: Float32Array }
  | { op: 'read' }
  | { op: 'add'; values: Float32Array; token?: WriteToken };

/**
 * A training thread's view of a center kept on the calling thread: each operation is a
 * `CenterCall` posted there and settled by its `CenterAnswer`. The calling thread applies each
 * call at once (see `answerCenterCall`), so every `add` is atomic and the exchange arithmetic
 * stays in the worker, as with the other stores.
 */
export class MessageCenterStore implements CenterStore {
  private nextId = 0;
  private readonly open = new Map<number, { resolve: (a: CenterAnswer) => void }>();

  constructor(
    readonly length: number,
    private readonly post: (call: CenterCall, transfer: ArrayBuffer[]) => void,
  ) {}

  async init(values: Float32Array): Promise<boolean> {
    checkLength(this.length, values, 'MessageCenterStore.init');
    return (await this.call({ op: 'init', values: values.slice() })).created === true;
  }

  async read(): Promise<Float32Array> {
    const answer = await this.call({ op: 'read' });
    return answer.values ?? new Float32Array(this.length);
  }

  async add(delta: Float32Array, token?: WriteToken): Promise<void> {
    checkLength(this.length, delta, 'MessageCenterStore.add');
    await this.call({ op: 'add', values: delta.slice(), ...(token ? { token } : {}) });
  }

  async close(): Promise<void> {}

  /** Settles the call this answer is for (the thread routes `type: 'center'` messages here). */
  settle(answer: CenterAnswer): void {
    const call = this.open.get(answer.id);
    this.open.delete(answer.id);
    call?.resolve(answer);
  }

  private async call(op: CenterOp): Promise<Extract<CenterAnswer, { ok: true }>> {
    const id = this.nextId++;
    const answer = await new Promise<CenterAnswer>((resolve) => {
      this.open.set(id, { resolve });
      // The copies made above are handed over, not copied again.
      this.post(
        { type: 'center', id, ...op } as CenterCall,
        'values' in op ? [op.values.buffer as ArrayBuffer] : [],
      );
    });
    if (!answer.ok) throw fromWorkerError(answer.error);
    return answer;
  }
}

/** Applies one `CenterCall` to the center on this thread and returns the answer to post back. */
export async function answerCenterCall(store: CenterStore, call: CenterCall): Promise<CenterAnswer> {
  try {
    switch (call.op) {
      case 'init':
        return { type: 'center', id: call.id, ok: true, created: await store.init(call.values) };
      case 'read':
        return { type: 'center', id: call.id, ok: true, values: await store.read() };
      case 'add':
        await store.add(call.values, call.token);
        return { type: 'center', id: call.id, ok: true };
    }
  } catch (error) {
    return { type: 'center', id: call.id, ok: false, error: toWorkerError(error) };
  }
}
