import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as H5Wasm from 'h5wasm/node';
import type { Dataset, Group } from 'h5wasm/node';
import { PlasticityError } from '@plasticity/core-tensors';
import { checkNirGraph, isNirArray, isNirGraph } from './graph.js';
import type { NirArray, NirDocument, NirGraph, NirNode, NirValue } from './graph.js';

// .nir files are HDF5: a `version` string and a group `node` (the top graph). A graph group holds
// `type = "NIRGraph"`, a group `nodes` with one group per node, and `edges`, an N×2 string array.
// A node group holds `type` and one dataset per parameter; a subgroup is a nested graph (it has
// type NIRGraph) or a record such as `metadata`. Read and written through h5wasm, an optional peer.

type H5Package = typeof H5Wasm.default;
let h5Ready: Promise<H5Package> | undefined;

function h5wasm(): Promise<H5Package> {
  h5Ready ??= import('h5wasm/node')
    .then(async ({ default: h5 }) => {
      const module = await h5.ready;
      module.activate_throwing_error_handler();
      return h5;
    })
    .catch((error: unknown) => {
      h5Ready = undefined;
      throw new PlasticityError(
        'E_USAGE',
        `NIR files are HDF5; reading and writing them needs the optional package h5wasm: npm install h5wasm (${(error as Error).message})`,
        { package: 'h5wasm' },
        { cause: error },
      );
    });
  return h5Ready;
}

const GRAPH_TYPE = 'NIRGraph';

function formatError(path: string, message: string, details: Record<string, unknown> = {}): PlasticityError {
  return new PlasticityError('E_DATA_FORMAT', `${path}: ${message}`, { path, ...details });
}

/** A dataset's value as a NIR value: strings stay strings, numbers keep their element type. */
function readDataset(dataset: Dataset, path: string, where: string): NirValue {
  const value = dataset.value;
  const shape = dataset.shape ?? [];
  if (typeof value === 'string') return value;
  if (value instanceof Float32Array) return { dtype: 'float32', shape, data: value.slice() };
  if (value instanceof Float64Array) return { dtype: 'float64', shape, data: value.slice() };
  if (value instanceof BigInt64Array) return { dtype: 'int64', shape, data: value.slice() };
  if (typeof value === 'bigint') return { dtype: 'int64', shape, data: BigInt64Array.of(value) };
  if (typeof value === 'number') {
    return dataset.dtype === '<d'
      ? { dtype: 'float64', shape, data: Float64Array.of(value) }
      : { dtype: 'float32', shape, data: Float32Array.of(value) };
  }
  // Narrower integers (some writers store shapes as int32): widened to int64.
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const ints = Array.from(value as unknown as ArrayLike<number | bigint>, (v) => BigInt(v));
    return { dtype: 'int64', shape, data: BigInt64Array.from(ints) };
  }
  throw formatError(path, `${where} holds a ${dataset.dtype} value plasticity does not read`, { at: where });
}

function readRecord(group: Group, path: string, where: string): Record<string, NirValue> {
  const record: Record<string, NirValue> = {};
  for (const key of group.keys()) {
    const entity = group.get(key);
    const at = `${where}/${key}`;
    if (entity instanceof Object && 'keys' in entity) record[key] = readRecord(entity as Group, path, at);
    else record[key] = readDataset(entity as Dataset, path, at);
  }
  return record;
}

function readNodeOrGraph(group: Group, path: string, where: string): NirNode | NirGraph {
  const typeSet = group.get('type') as Dataset | null;
  const type = typeSet && !('keys' in typeSet) ? typeSet.value : undefined;
  if (typeof type !== 'string') throw formatError(path, `${where} has no type`, { at: where });
  if (type === GRAPH_TYPE) return readGraph(group, path, where);
  const { type: _type, ...params } = readRecord(group, path, where);
  return { type, params };
}

function readGraph(group: Group, path: string, where: string): NirGraph {
  const nodesGroup = group.get('nodes');
  if (!(nodesGroup instanceof Object && 'keys' in nodesGroup)) {
    throw formatError(path, `${where} is a NIRGraph without a nodes group`, { at: where });
  }
  const nodes: Record<string, NirNode | NirGraph> = {};
  for (const name of (nodesGroup as Group).keys()) {
    nodes[name] = readNodeOrGraph((nodesGroup as Group).get(name) as Group, path, `${where}/nodes/${name}`);
  }
  const edgeSet = group.get('edges') as Dataset | null;
  const flat = edgeSet ? edgeSet.value : [];
  const names = Array.isArray(flat) ? (flat as string[]) : typeof flat === 'string' ? [flat] : null;
  if (names === null || names.length % 2 !== 0) {
    throw formatError(path, `${where}/edges must be an N×2 array of node names`, { at: `${where}/edges` });
  }
  const edges: [string, string][] = [];
  for (let i = 0; i < names.length; i += 2) edges.push([names[i], names[i + 1]]);
  return { nodes, edges };
}

/**
 * Reads a `.nir` file. E_DATA_FORMAT says what is wrong and where (not HDF5, no graph, an edge
 * naming no node); E_USAGE when h5wasm is not installed.
 */
export async function readNirFile(path: string): Promise<NirDocument> {
  const h5 = await h5wasm();
  let file: InstanceType<H5Package['File']>;
  try {
    file = new h5.File(path, 'r');
  } catch (error) {
    throw formatError(path, `not a readable HDF5 file (${String((error as Error).message).split('\n')[0]})`);
  }
  try {
    const version = file.get('version') as Dataset | null;
    const root = file.get('node');
    if (!(root instanceof Object && 'keys' in root)) {
      throw formatError(path, 'no group "node": not a NIR file');
    }
    const graph = readNodeOrGraph(root as Group, path, 'node');
    if (!isNirGraph(graph)) throw formatError(path, `the top node is a ${graph.type}, not a NIRGraph`);
    checkNirGraph(graph);
    return { version: typeof version?.value === 'string' ? version.value : '', graph };
  } finally {
    file.close();
  }
}

function writeArray(group: Group, name: string, array: NirArray): void {
  const dtype = array.dtype === 'float32' ? '<f' : array.dtype === 'float64' ? '<d' : '<q';
  group.create_dataset({ name, data: array.data, shape: [...array.shape], dtype });
}

function writeRecord(group: Group, record: Readonly<Record<string, NirValue>>): void {
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') group.create_dataset({ name: key, data: value });
    else if (isNirArray(value)) writeArray(group, key, value);
    else writeRecord(group.create_group(key), value);
  }
}

function writeGraph(group: Group, graph: NirGraph): void {
  group.create_dataset({ name: 'type', data: GRAPH_TYPE });
  const nodes = group.create_group('nodes');
  for (const [name, node] of Object.entries(graph.nodes)) {
    const child = nodes.create_group(name);
    if (isNirGraph(node)) writeGraph(child, node);
    else {
      child.create_dataset({ name: 'type', data: node.type });
      writeRecord(child, node.params);
    }
  }
  group.create_dataset({
    name: 'edges',
    data: graph.edges.flatMap(([source, target]) => [source, target]),
    shape: [graph.edges.length, 2],
  });
}

/**
 * Writes a `.nir` file atomically (a temporary file beside it, then renamed over it), so a
 * reader never sees half a file and a failed write leaves the old one.
 */
export async function writeNirFile(path: string, document: NirDocument): Promise<void> {
  checkNirGraph(document.graph);
  const h5 = await h5wasm();
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = new h5.File(temporary, 'w');
    try {
      file.create_dataset({ name: 'version', data: document.version });
      writeGraph(file.create_group('node'), document.graph);
    } finally {
      file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof PlasticityError) throw error;
    throw new PlasticityError(
      'E_OUTPUT',
      `cannot write ${path}: ${(error as Error).message}`,
      { path },
      {
        cause: error,
      },
    );
  }
}
