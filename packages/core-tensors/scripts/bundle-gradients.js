// tfjs-core's CommonJS entry (what Node loads) registers no gradients, and its ESM files use
// extension-less imports that Node cannot load. So, as the @tensorflow/tfjs union bundle does,
// we bundle `register_all_gradients` once at build time. The bundle registers into tfjs-core's
// global gradient registry and runs on its global engine, so it works with the one engine the
// backends use.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const coreDist = dirname(require.resolve('@tensorflow/tfjs-core'));
const outDir = join(here, '..', 'generated');
mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [join(coreDist, 'register_all_gradients.js')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  minify: true,
  legalComments: 'inline',
  outfile: join(outDir, 'register-all-gradients.js'),
  logLevel: 'warning',
});
writeFileSync(join(outDir, 'register-all-gradients.d.ts'), 'export {};\n');
