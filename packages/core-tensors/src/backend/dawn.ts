// WebGPU in Node through Dawn's bindings (npm `webgpu`, an optional peer dependency).
import type * as NodeFs from 'node:fs';
import { PlasticityError } from '../errors/plasticity-error.js';
import { reasonOf } from './environment.js';
import type { AdapterLike, GpuLike } from './gpu-types.js';

export interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** What adapter discovery touches outside itself (replaceable in tests). */
export interface DawnHost {
  load(): Promise<DawnModule>;
  readonly env: Record<string, string | undefined>;
  exists(path: string): Promise<boolean>;
}

/** Vulkan ICD files of SwiftShader that browsers ship (Debian/Ubuntu chromium, Google Chrome). */
export const SWIFTSHADER_ICDS: readonly string[] = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
];

export interface DawnAdapter {
  readonly gpu: GpuLike;
  readonly adapter: AdapterLike;
  /** Set when we pointed VK_ICD_FILENAMES at a SwiftShader ICD to find this adapter. */
  readonly icd?: string;
}

/** Imports Dawn's bindings; `specifier` is replaceable for tests. */
export async function loadDawn(specifier = 'webgpu'): Promise<DawnModule> {
  try {
    return (await import(specifier)) as DawnModule;
  } catch (error) {
    throw new PlasticityError(
      'E_BACKEND',
      `webgpu: WebGPU in Node needs the optional package \`webgpu\` (Dawn): npm install webgpu (${reasonOf(error)})`,
      { backend: 'webgpu' },
      { cause: error },
    );
  }
}

async function fileExists(path: string): Promise<boolean> {
  const fsSpecifier = 'node:fs';
  const { existsSync } = (await import(fsSpecifier)) as typeof NodeFs;
  return existsSync(path);
}

const nodeHost = (): DawnHost => ({ load: () => loadDawn(), env: process.env, exists: fileExists });

async function firstExisting(host: DawnHost, paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) if (await host.exists(path)) return path;
  return undefined;
}

async function requestAdapter(dawn: DawnModule): Promise<{ gpu: GpuLike; adapter: AdapterLike | null }> {
  const gpu = dawn.create([]);
  return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
}

/**
 * Finds a Dawn adapter. With `searchSwiftShader`, when there is none and the user has not
 * chosen a Vulkan driver (VK_ICD_FILENAMES / VK_DRIVER_FILES), points VK_ICD_FILENAMES at a
 * SwiftShader ICD shipped by an installed browser and retries: the Vulkan loader reads the
 * variable when Dawn creates its instance, so a fresh `create()` sees it.
 */
export async function findDawnAdapter(
  searchSwiftShader: boolean,
  host: DawnHost = nodeHost(),
): Promise<DawnAdapter> {
  const dawn = await host.load();
  const first = await requestAdapter(dawn);
  if (first.adapter) return { gpu: first.gpu, adapter: first.adapter };
  const env = host.env;
  const chosen = env.VK_ICD_FILENAMES ?? env.VK_DRIVER_FILES;
  let hint: string;
  if (chosen !== undefined) {
    hint = `the Vulkan driver in VK_ICD_FILENAMES/VK_DRIVER_FILES (${chosen}) gave no adapter`;
  } else if (!searchSwiftShader) {
    hint = 'no GPU adapter (no Vulkan driver found)';
  } else {
    const icd = await firstExisting(host, SWIFTSHADER_ICDS);
    if (icd === undefined) {
      hint =
        'no GPU adapter, and no SwiftShader Vulkan driver to fall back to: install a GPU driver, ' +
        `or Debian's chromium package (it ships ${SWIFTSHADER_ICDS[0]}), or set VK_ICD_FILENAMES`;
    } else {
      env.VK_ICD_FILENAMES = icd;
      const retry = await requestAdapter(dawn);
      if (retry.adapter) return { gpu: retry.gpu, adapter: retry.adapter, icd };
      delete env.VK_ICD_FILENAMES;
      hint =
        `no GPU adapter, and SwiftShader (${icd}) gave none either: is libvulkan1 installed? ` +
        '(Under Jest, process.env is a copy that native code never sees: set VK_ICD_FILENAMES before starting.)';
    }
  }
  throw new PlasticityError('E_BACKEND', `webgpu: ${hint}`, { backend: 'webgpu' });
}

/**
 * Linux only: whether any GPU device node exists (/dev/dri/renderD*, /dev/nvidia0..., /dev/dxg
 * on WSL). Without one, Vulkan can offer only software drivers, so 'auto' skips Dawn and its
 * driver-probing noise on stderr. Other platforms: true (let Dawn decide).
 */
export async function gpuDeviceNodePresent(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const fsSpecifier = 'node:fs';
  const { readdirSync } = (await import(fsSpecifier)) as typeof NodeFs;
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return (
    list('/dev/dri').some((n) => n.startsWith('renderD')) ||
    list('/dev').some((n) => /^nvidia\d+$/.test(n) || n === 'dxg')
  );
}

const installed: { globals: string[]; navigator: 'created' | 'gpu' | undefined } = {
  globals: [],
  navigator: undefined,
};

/** Installs Dawn's WebGPU globals and `navigator.gpu`, each only where absent. */
export async function installDawnGlobals(gpu: GpuLike): Promise<void> {
  const dawn = await loadDawn();
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in g)) {
      g[name] = value;
      installed.globals.push(name);
    }
  }
  const nav = g.navigator as { gpu?: unknown } | undefined;
  if (nav === undefined) {
    Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true });
    installed.navigator = 'created';
  } else if (nav.gpu === undefined) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
    installed.navigator = 'gpu';
  }
}

/** Undoes `installDawnGlobals`: Dawn lives as long as `navigator.gpu` references it. */
export function uninstallDawnGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  if (installed.navigator === 'created') delete g.navigator;
  else if (installed.navigator === 'gpu') delete (g.navigator as { gpu?: unknown }).gpu;
  for (const name of installed.globals) delete g[name];
  installed.globals = [];
  installed.navigator = undefined;
}
