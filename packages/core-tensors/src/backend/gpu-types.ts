// Just the slice of the WebGPU API this package touches, so our public typings do not pull
// @webgpu/types into every user's global scope.

export interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

export interface DeviceLike {
  destroy(): void;
}

export interface AdapterLike {
  readonly info?: AdapterInfoLike;
  /** Older spelling (before it moved to `info`). */
  readonly isFallbackAdapter?: boolean;
  readonly features: { has(name: string): boolean };
  readonly limits: Readonly<Record<string, number>>;
  requestDevice(descriptor?: unknown): Promise<DeviceLike>;
}

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<AdapterLike | null>;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Software rasterisers (SwiftShader, Mesa llvmpipe/lavapipe, WARP) and spec fallback adapters. */
export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => s && SOFTWARE.test(s));
}

export function describeAdapter(adapter: AdapterLike): string {
  const info = adapter.info ?? {};
  const parts = [info.description, info.vendor, info.architecture].filter((s): s is string => !!s);
  const name = parts.length > 0 ? [...new Set(parts)].join(', ') : 'unnamed adapter';
  return isSoftwareAdapter(adapter) ? `${name} (software)` : name;
}
