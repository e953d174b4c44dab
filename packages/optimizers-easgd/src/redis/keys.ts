import { PlasticityError } from '@plasticity/core-tensors';

/** Names that are safe as key parts and as SCAN / ACL glob patterns (no `*?[]\` or spaces). */
const SAFE_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;

export function checkName(kind: string, name: string): string {
  if (!SAFE_NAME.test(name))
    throw new PlasticityError(
      'E_CONFIG',
      `${kind} "${name}" may only use letters, digits and _ . : - (1 to 200 characters): it is a Redis key prefix and an ACL pattern`,
      { reason: 'name', name },
    );
  return name;
}

/** Every key of one center starts with `<name>:`, which is what the workers' ACL pattern allows. */
export interface CenterKeys {
  readonly meta: string;
  shard(index: number): string;
  /** Per worker: shard index -> the sequence of its last write applied there. */
  writes(worker: string): string;
  heartbeat(worker: string): string;
  readonly heartbeatPattern: string;
}

export function centerKeys(name: string): CenterKeys {
  const prefix = `${checkName('center name', name)}:`;
  return {
    meta: `${prefix}meta`,
    shard: (index) => `${prefix}shard:${index}`,
    writes: (worker) => `${prefix}writes:${checkName('worker id', worker)}`,
    heartbeat: (worker) => `${prefix}alive:${checkName('worker id', worker)}`,
    heartbeatPattern: `${prefix}alive:*`,
  };
}
