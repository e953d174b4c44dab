import { describe, expect, test } from '@jest/globals';
import { ESLint } from 'eslint';
import { repoRoot } from '../../../tools/bundle-check/bundle-check.js';

// The package layering is enforced by eslint.config.js (no-restricted-imports per layer); this
// lints snippets as if they sat in each package, so the rules are shown to bite.
const eslint = new ESLint({ cwd: repoRoot });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/packages/${file}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (specifier: string): string => `import * as m from '${specifier}';\nexport const x = m;\n`;

describe('package layering lint', () => {
  test.each([
    ['rule-eventprop/src/a.ts', '@plasticity/rule-forward-forward', 'a rule importing another rule'],
    ['rule-bptt/src/a.ts', '@plasticity/rule-backprop', 'a new rule package, covered by pattern'],
    ['rule-least-control/src/a.ts', '@plasticity/datasets', 'a rule importing datasets'],
    ['rule-backprop/src/a.ts', 'plasticity', 'a rule importing the umbrella'],
    ['neurons/src/a.ts', '@plasticity/datasets', 'neurons importing datasets'],
    ['neurons/src/a.ts', '@plasticity/rule-eventprop', 'neurons importing a rule'],
    ['datasets/src/a.ts', '@plasticity/neurons', 'datasets importing neurons'],
    ['core-tensors/src/a.ts', '@plasticity/neurons', 'core importing upward'],
    ['core-tensors/src/a.ts', '@plasticity/datasets', 'core and datasets in a cycle'],
    ['rule-eventprop/src/a.ts', '../../rule-backprop/src/index.js', 'a relative path into another package'],
  ])('%s importing %s fails (%s)', async (file, specifier) => {
    expect(await restricted(file, use(specifier))).toHaveLength(1);
  });

  test.each([
    ['rule-eventprop/src/a.ts', '@plasticity/neurons'],
    ['rule-eventprop/src/a.ts', '@plasticity/core-tensors'],
    ['neurons/src/a.ts', '@plasticity/core-tensors'],
    ['datasets/src/a.ts', '@plasticity/core-tensors'],
    ['plasticity/src/a.ts', '@plasticity/rule-eventprop'],
    ['plasticity/src/a.ts', '@plasticity/datasets/node'],
    ['rule-eventprop/src/a.ts', './engine/network.js'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await restricted(file, use(specifier))).toEqual([]);
  });
});
