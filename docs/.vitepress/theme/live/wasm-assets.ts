// Serves tfjs' wasm binaries from the site itself (never a CDN): `vite build` emits them as
// `<base>wasm/<name>.wasm` and the dev server answers the same paths from node_modules.
// Nothing is committed: the files come from the installed @tensorflow/tfjs-backend-wasm.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** Folder under the site base the binaries are served from (the worker asks for `${BASE_URL}wasm/`). */
export const WASM_DIR = 'wasm';

function wasmBinaries(): { name: string; path: string }[] {
  const require = createRequire(import.meta.url);
  // The package's main entry lives in dist/, beside the binaries.
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const names = readdirSync(dist).filter((name) => name.endsWith('.wasm'));
  if (names.length === 0)
    throw new Error(`no .wasm files in ${dist}; reinstall @tensorflow/tfjs-backend-wasm`);
  return names.map((name) => ({ name, path: join(dist, name) }));
}

export function tfjsWasmAssets(): Plugin {
  let ssr = false;
  return {
    name: 'plasticity:tfjs-wasm-assets',
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
    },
    configureServer(server) {
      const files = new Map(wasmBinaries().map((file) => [file.name, file.path]));
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        const match = new RegExp(`/${WASM_DIR}/([^/]+\\.wasm)$`).exec(path);
        const file = match && files.get(match[1]);
        if (!file) return next();
        res.setHeader('content-type', 'application/wasm');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      // VitePress builds twice (client and SSR); only the client output is the site.
      if (ssr) return;
      for (const file of wasmBinaries()) {
        this.emitFile({
          type: 'asset',
          fileName: `${WASM_DIR}/${file.name}`,
          source: readFileSync(file.path),
        });
      }
    },
  };
}
