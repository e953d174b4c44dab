import { PlasticityError } from '@plasticity/core-tensors';

// NIR (the Neuromorphic Intermediate Representation, neuromorphs/NIR) as plain records: a graph
// of named nodes, each a primitive type with array parameters, and directed edges between node
// names (recurrence is a cycle). Parameters keep the element type they were stored with, so a
// graph read from a file writes back the same.

/** An n-dimensional array parameter, row-major, with the element type of the file. */
export type NirArray =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'float64'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'int64'; readonly shape: readonly number[]; readonly data: BigInt64Array };

/** A parameter value: an array, a string, or a record of them (node metadata). */
export type NirValue = NirArray | string | { readonly [key: string]: NirValue };

/** One node: its primitive (`LIF`, `Affine`, ...) and its parameters by NIR's names. */
export interface NirNode {
  readonly type: string;
  readonly params: Readonly<Record<string, NirValue>>;
}

/** A graph: nodes by name, and edges `[source, target]` between those names. */
export interface NirGraph {
  readonly nodes: Readonly<Record<string, NirNode | NirGraph>>;
  readonly edges: readonly (readonly [string, string])[];
}

/** What a `.nir` file holds: the format version and the top-level graph. */
export interface NirDocument {
  readonly version: string;
  readonly graph: NirGraph;
}

/** The NIR version this package writes. */
export const NIR_VERSION = '0.2.0';

export const isNirGraph = (node: NirNode | NirGraph): node is NirGraph => 'edges' in node;

export const isNirArray = (value: NirValue | undefined): value is NirArray =>
  typeof value === 'object' && value !== null && 'dtype' in value && 'data' in value;

/** A float32 array parameter. */
export function nirFloat32(data: ArrayLike<number>, shape: readonly number[] = [data.length]): NirArray {
  return { dtype: 'float32', shape: [...shape], data: Float32Array.from(data) };
}

/** An int64 array parameter (NIR stores shapes, strides and paddings as int64). */
export function nirInt64(data: ArrayLike<number>, shape: readonly number[] = [data.length]): NirArray {
  return { dtype: 'int64', shape: [...shape], data: BigInt64Array.from(Array.from(data, (v) => BigInt(v))) };
}

/** The values of an array parameter as numbers (int64 converted). */
export function nirNumbers(array: NirArray): number[] {
  return array.dtype === 'int64' ? Array.from(array.data, Number) : Array.from(array.data);
}

/**
 * Checks that every edge names nodes of the graph and that nested graphs are well formed;
 * E_DATA_FORMAT names the first edge or node that is wrong.
 */
export function checkNirGraph(graph: NirGraph, where = 'graph'): void {
  for (const [name, node] of Object.entries(graph.nodes)) {
    if (isNirGraph(node)) checkNirGraph(node, `${where} node ${JSON.stringify(name)}`);
    else if (typeof node.type !== 'string' || node.type === '') {
      throw new PlasticityError('E_DATA_FORMAT', `${where}: node ${JSON.stringify(name)} has no type`, {
        node: name,
      });
    }
  }
  graph.edges.forEach(([source, target], i) => {
    for (const end of [source, target]) {
      if (!(end in graph.nodes)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `${where}: edge ${i} (${source} → ${target}) names ${JSON.stringify(end)}, which is not a node`,
          { edge: i, node: end },
        );
      }
    }
  });
}
