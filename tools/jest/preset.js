// One Jest setup for every package: ESM through ts-jest (the `webgpu` package is ESM-only),
// the node environment (jsdom breaks tfjs' typed-array checks), and workspace packages
// resolved to their TypeScript sources so tests never need a build first.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Jest gives tests a copy of process.env that native code never sees, so initBackend's
// SwiftShader fallback (it sets VK_ICD_FILENAMES for the Vulkan loader) cannot work inside a
// test. Set it here, in the Jest process, before any worker starts.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages');

function workspaceSourceMap() {
  const map = {};
  for (const dir of readdirSync(packagesDir)) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const escaped = manifest.name.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&');
    // Tests run in Node, so a package with a Node entry (the `node` export condition) resolves to it.
    const nodeEntry = join(packagesDir, dir, 'src', 'node.ts');
    const hasNodeEntry = existsSync(nodeEntry);
    map[`^${escaped}$`] = hasNodeEntry ? nodeEntry : join(packagesDir, dir, 'src', 'index.ts');
    if (hasNodeEntry) map[`^${escaped}/node$`] = nodeEntry;
    map[`^${escaped}/(.*)$`] = join(packagesDir, dir, 'src', '$1', 'index.ts');
  }
  return map;
}

/** @param {string} configUrl the package's jest.config.js `import.meta.url` */
export function packageJestConfig(configUrl) {
  return {
    rootDir: dirname(fileURLToPath(configUrl)),
    testEnvironment: 'node',
    roots: ['<rootDir>/src'],
    testMatch: ['**/*.test.ts'],
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: {
      ...workspaceSourceMap(),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': [
        'ts-jest',
        {
          useESM: true,
          tsconfig: {
            isolatedModules: true,
            module: 'ESNext',
            moduleResolution: 'Bundler',
            verbatimModuleSyntax: false,
          },
          diagnostics: false,
        },
      ],
    },
    testTimeout: 120_000,
  };
}
