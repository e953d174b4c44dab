import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { SWIFTSHADER_ICDS, findDawnAdapter, loadDawn } from './dawn.js';
import type { DawnHost } from './dawn.js';
import { describeAdapter, isSoftwareAdapter } from './gpu-types.js';
import type { AdapterInfoLike, AdapterLike } from './gpu-types.js';

function adapter(info: AdapterInfoLike): AdapterLike {
  return {
    info,
    features: { has: () => false },
    limits: {},
    requestDevice: () => Promise.reject(new Error('fake')),
  };
}

const swiftShader = adapter({
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader driver 5.0.0',
});
const nvidia = adapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA RTX A4000' });

/** A fake Dawn whose adapter depends on VK_ICD_FILENAMES at create() time, like the real loader. */
function fakeHost(options: {
  hardware?: boolean;
  icds?: string[];
  env?: Record<string, string>;
}): DawnHost & {
  creates: number;
} {
  const env: Record<string, string | undefined> = { ...options.env };
  const host = {
    creates: 0,
    env,
    exists: async (path: string) => (options.icds ?? []).includes(path),
    load: async () => ({
      globals: {},
      create: () => {
        host.creates++;
        const icd = env.VK_ICD_FILENAMES;
        const found = options.hardware ? nvidia : icd && SWIFTSHADER_ICDS.includes(icd) ? swiftShader : null;
        return { requestAdapter: async () => found };
      },
    }),
  };
  return host;
}

describe('findDawnAdapter', () => {
  test('uses a hardware adapter as is, without touching VK_ICD_FILENAMES', async () => {
    const host = fakeHost({ hardware: true, icds: [SWIFTSHADER_ICDS[0]] });
    const found = await findDawnAdapter(true, host);
    expect(found.adapter).toBe(nvidia);
    expect(found.icd).toBeUndefined();
    expect(host.env.VK_ICD_FILENAMES).toBeUndefined();
  });

  test("no adapter, VK_ICD_FILENAMES unset: points it at chromium's SwiftShader ICD and retries", async () => {
    const host = fakeHost({ icds: [SWIFTSHADER_ICDS[0]] });
    const found = await findDawnAdapter(true, host);
    expect(found.adapter).toBe(swiftShader);
    expect(found.icd).toBe('/usr/lib/chromium/vk_swiftshader_icd.json');
    expect(host.env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICDS[0]);
    expect(host.creates).toBe(2);
  });

  test('does not override a driver the user chose', async () => {
    const host = fakeHost({ icds: [SWIFTSHADER_ICDS[0]], env: { VK_ICD_FILENAMES: '/opt/my_icd.json' } });
    const error = await findDawnAdapter(true, host).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
    expect((error as Error).message).toMatch(/\/opt\/my_icd\.json/);
    expect(host.env.VK_ICD_FILENAMES).toBe('/opt/my_icd.json');
    expect(host.creates).toBe(1);
  });

  test("'auto' (no SwiftShader search) leaves the environment alone", async () => {
    const host = fakeHost({ icds: [SWIFTSHADER_ICDS[0]] });
    await expect(findDawnAdapter(false, host)).rejects.toMatchObject({ code: 'E_BACKEND' });
    expect(host.env.VK_ICD_FILENAMES).toBeUndefined();
  });

  test('no SwiftShader ICD anywhere: says what to install', async () => {
    const host = fakeHost({ icds: [] });
    const error = (await findDawnAdapter(true, host).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/install a GPU driver, or Debian's chromium package/);
  });

  test('a missing `webgpu` package: says to install it', async () => {
    const error = await loadDawn('webgpu-not-installed').catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
    expect((error as Error).message).toMatch(
      /needs the optional package `webgpu` \(Dawn\): npm install webgpu/,
    );
  });
});

describe('software adapters', () => {
  test('SwiftShader, llvmpipe and fallback adapters are software; a real GPU is not', () => {
    expect(isSoftwareAdapter(swiftShader)).toBe(true);
    expect(isSoftwareAdapter(adapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'x', isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(nvidia)).toBe(false);
    expect(describeAdapter(swiftShader)).toBe('SwiftShader driver 5.0.0, google, swiftshader (software)');
    expect(describeAdapter(nvidia)).toBe('NVIDIA RTX A4000, nvidia, ampere');
  });
});
