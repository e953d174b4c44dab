import { initBackend } from '../backend/init.js';
import { probeBackends } from '../backend/probe.js';
import type { BackendInfo, ConcreteBackendName } from '../backend/types.js';
import { CONCRETE_BACKENDS } from '../backend/types.js';

let found: Promise<ConcreteBackendName[]> | undefined;

function requested(): ConcreteBackendName[] | undefined {
  const raw = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.PLASTICITY_TEST_BACKENDS;
  if (!raw) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !CONCRETE_BACKENDS.includes(n as ConcreteBackendName));
  if (bad.length > 0) {
    throw new Error(
      `PLASTICITY_TEST_BACKENDS names unknown backends: ${bad.join(', ')} (use ${CONCRETE_BACKENDS.join(', ')})`,
    );
  }
  return names as ConcreteBackendName[];
}

/**
 * The backends a test suite should run on here: cpu and wasm always, webgpu where an adapter
 * exists (SwiftShader included), node-gpu where it loads. `PLASTICITY_TEST_BACKENDS=cpu,webgpu`
 * narrows the list; naming a backend that is not available is an error, not a silent skip.
 */
export function testBackends(): Promise<ConcreteBackendName[]> {
  found ??= (async () => {
    const probes = await probeBackends();
    const available = probes.filter((p) => p.available).map((p) => p.name);
    const wanted = requested();
    if (!wanted) return available;
    const missing = wanted.filter((n) => !available.includes(n));
    if (missing.length > 0) {
      const why = probes.filter((p) => missing.includes(p.name)).map((p) => `${p.name}: ${p.reason}`);
      throw new Error(`PLASTICITY_TEST_BACKENDS asks for unavailable backends: ${why.join('; ')}`);
    }
    return wanted;
  })();
  return found;
}

/** Makes `name` the active backend for the tests that follow (call in `beforeAll`). */
export function useBackend(name: ConcreteBackendName): Promise<BackendInfo> {
  return initBackend(name);
}
