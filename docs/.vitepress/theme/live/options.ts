// What a page's URL asks of its live examples (tests use it): `?epochs=2&backend=wasm&autorun=1`.
import { isBackendChoice } from './protocol.js';
import type { BackendChoice } from './protocol.js';

export interface UrlOptions {
  readonly epochs?: number;
  readonly backend?: BackendChoice;
  readonly autorun: boolean;
}

export function urlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const epochs = Number(params.get('epochs'));
  const backend = params.get('backend');
  return {
    ...(Number.isInteger(epochs) && epochs > 0 ? { epochs } : {}),
    ...(isBackendChoice(backend) ? { backend } : {}),
    autorun: params.get('autorun') === '1',
  };
}

/** WebGPU when the browser gives an adapter, else wasm, else cpu (what plasticity's 'auto' does). */
export async function bestBackend(): Promise<BackendChoice> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu) {
    try {
      if (await gpu.requestAdapter()) return 'webgpu';
    } catch {
      // No adapter: fall through.
    }
  }
  return typeof WebAssembly === 'object' ? 'wasm' : 'cpu';
}

/** `data-testid` suffix for a result name: 'EventProp accuracy' → 'eventprop-accuracy'. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A result as the reader sees it: accuracies and fractions in %, other numbers rounded. */
export function formatResult(name: string, value: number | string): string {
  if (typeof value === 'string') return value;
  if (/accuracy/i.test(name) && value >= 0 && value <= 1) return `${(value * 100).toFixed(1)} %`;
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** The value an input field starts with: the URL's `?<name>=` when present, else `fallback`. */
export function urlInput(search: string, name: string, fallback: string): string {
  return new URLSearchParams(search).get(name) ?? fallback;
}

/** An input's value as the worker gets it: a `url` input made absolute against `page`. */
export function inputValue(kind: 'text' | 'url' | undefined, value: string, page: string): string {
  if (kind !== 'url') return value;
  try {
    return new URL(value.trim(), page).href;
  } catch {
    return value;
  }
}
