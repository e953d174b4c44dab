import type * as NodeCrypto from 'node:crypto';
import type * as NodeFsPromises from 'node:fs/promises';
import type * as NodePath from 'node:path';
import { PlasticityError } from '../errors/plasticity-error.js';
import { isNode } from '../backend/environment.js';

export interface NodeIo {
  readonly fs: typeof NodeFsPromises;
  readonly path: typeof NodePath;
  readonly crypto: typeof NodeCrypto;
}

let cached: Promise<NodeIo> | undefined;

/** Node's fs/path/crypto, loaded lazily so that a browser bundle of this package never needs them. */
export function nodeIo(): Promise<NodeIo> {
  if (!isNode()) {
    return Promise.reject(
      new PlasticityError(
        'E_USAGE',
        'files (checkpoints, safetensors) need Node; in a browser use encodeSafetensors/decodeSafetensors',
      ),
    );
  }
  const specifiers = ['node:fs/promises', 'node:path', 'node:crypto'];
  cached ??= Promise.all(specifiers.map((s) => import(s))).then(([fs, path, crypto]) => ({
    fs: fs as NodeIo['fs'],
    path: path as NodeIo['path'],
    crypto: crypto as NodeIo['crypto'],
  }));
  return cached;
}
