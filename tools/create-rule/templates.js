// The files of a new rule package, as text. `npm run new-rule` writes them; the test in
// create-rule.test.js builds, lints and tests what they become.

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (name) => camel(name).replace(/^./, (c) => c.toUpperCase());

/** `{ path: text }` for rule `name` (paths in the package, `.changeset/…` at the root). */
export function ruleFiles({ name, description, coreVersion, zodVersion, tfjsRange, license }) {
  const pkg = `@plasticity/rule-${name}`;
  const rule = `${camel(name)}Rule`;
  const schema = `${camel(name)}ConfigSchema`;
  const Config = `${pascal(name)}Config`;
  const create = `create${pascal(name)}Learner`;
  const recipes = `${camel(name)}Recipes`;
  const manifest = {
    name: pkg,
    version: '0.1.0',
    description,
    license: 'MIT',
    type: 'module',
    sideEffects: ['./dist/index.js'],
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist', 'README.md', 'LICENSE', '!dist/**/*.test.*'],
    scripts: {
      build: 'tsc -b tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      lint: 'eslint src',
      test: 'node --experimental-vm-modules ../../node_modules/jest/bin/jest.js',
    },
    dependencies: { '@plasticity/core-tensors': coreVersion, zod: zodVersion },
    peerDependencies: { '@tensorflow/tfjs-core': tfjsRange },
    engines: { node: '>=20.19' },
  };
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'package.json': json(manifest),
    'tsconfig.json': json({
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        composite: true,
        tsBuildInfoFile: '.tsbuild/typecheck.tsbuildinfo',
      },
      include: ['src'],
      references: [{ path: '../core-tensors' }],
    }),
    'tsconfig.build.json': json({
      extends: './tsconfig.json',
      compilerOptions: { tsBuildInfoFile: '.tsbuild/build.tsbuildinfo' },
      exclude: ['src/**/*.test.ts'],
      references: [{ path: '../core-tensors/tsconfig.build.json' }],
    }),
    LICENSE: license,
    'jest.config.js': `import { packageJestConfig } from '../../tools/jest/preset.js';

export default packageJestConfig(import.meta.url);
`,
    'src/config.ts': `import { z } from 'zod';
import { optimizerConfigShape } from '@plasticity/core-tensors';

/** The ${name} config: every field has a default, unknown fields are rejected. */
export const ${schema} = z.strictObject({
  initScale: z.number().positive().default(0.1).describe('Weights start U(±initScale).'),
  ...optimizerConfigShape,
});

export type ${Config} = z.output<typeof ${schema}>;
`,
    'src/recipes.ts': `import type { Recipe } from '@plasticity/core-tensors';
import type { ${Config} } from './config.js';

/** Settings per dataset (\`plasticity train ${name} --dataset <name>\` uses them). */
export const ${recipes}: Readonly<Record<string, Recipe<${Config}>>> = {
  mnist: {
    config: { learningRate: 0.01 },
    fit: { epochs: 5, batchSize: 64, learningRate: 0.01, schedule: { kind: 'constant' } },
    note: 'A linear softmax classifier on the pixels.',
  },
};
`,
    'src/rule.ts': `import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  accuracyMetric,
  createGradientStep,
  createRng,
  denseBatch,
  denseFeatureCount,
  paramName,
  readMetrics,
  stepLearner,
} from '@plasticity/core-tensors';
import type { Batch, BatchInput, Learner, RulePlugin, StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import { ${schema} } from './config.js';
import type { ${Config} } from './config.js';
import { ${recipes} } from './recipes.js';

const RULE = '${name}';

/**
 * The learner: a linear softmax classifier whose update is written by hand (the delta rule,
 * \`ΔW ∝ xᵀ(onehot(y) − softmax(xW + b))\`) and applied by the core's gradient step, which
 * brings the optimiser, schedules and exact resume. Replace the update with your rule's.
 */
export function ${create}(config: ${Config}, task: TaskSpec, seed: number): Learner {
  if (task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', \`\${RULE} trains classifiers\`, { field: 'task.kind' });
  }
  const features = denseFeatureCount(task, RULE);
  const classes = task.outputs;
  const init = createRng(seed).fork('init');
  const scale = config.initScale;
  // tidy frees the initial values; the variables live on (the learner's dispose frees them).
  const kernel = tf.tidy(() =>
    tf.variable(tf.tensor2d(init.uniformArray(features * classes, -scale, scale), [features, classes])),
  );
  const bias = tf.tidy(() => tf.variable(tf.zeros([classes])));
  const step = createGradientStep({ [paramName(0, 'kernel')]: kernel, [paramName(0, 'bias')]: bias }, config);
  const scores = (x: BatchInput) => tf.add(tf.matMul(denseBatch(x, features, RULE), kernel), bias);

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    const metrics = await readMetrics(() => {
      const x = denseBatch(batch.x, features, RULE);
      const logits = tf.add(tf.matMul(x, kernel), bias);
      const target = tf.oneHot(tf.cast(batch.y, 'int32'), classes);
      const error = tf.sub(tf.softmax(logits), target); // ∂(cross-entropy)/∂logits
      step.apply({
        [paramName(0, 'kernel')]: tf.div(tf.matMul(x, error, true, false), batch.size),
        [paramName(0, 'bias')]: tf.mean(error, 0),
      });
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)));
      return { loss, ...accuracyMetric(batch, logits) };
    });
    return metrics as StepMetrics;
  }

  return stepLearner(step, {
    trainStep,
    predict: (x: BatchInput) => tf.tidy(() => scores(x)),
  });
}

export const ${rule}: RulePlugin<${Config}> = {
  name: RULE,
  package: { name: '${pkg}' },
  summary: ${JSON.stringify(description)},
  configSchema: ${schema},
  recipes: ${recipes},
  metrics: {
    loss: { label: 'training cross-entropy' },
    accuracy: { label: 'training accuracy (during the epoch)' },
  },
  inputs: ['dense'],
  create: ${create},
};
`,
    'src/base.ts': `// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { ${schema} } from './config.js';
export type { ${Config} } from './config.js';
export { ${recipes} } from './recipes.js';
export { ${create}, ${rule} } from './rule.js';
`,
    'src/index.ts': `import { registerRule } from '@plasticity/core-tensors';
import { ${rule} } from './base.js';

export * from './base.js';

// Side effect: importing the package makes '${name}' available to getRule and the CLI.
registerRule(${rule});
`,
    'src/rule.test.ts': `import { createRng, getRule } from '@plasticity/core-tensors';
import { describeRuleConformance, memorySplit } from '@plasticity/core-tensors/testing';
import { expect, test } from '@jest/globals';
import { ${rule} } from './index.js';

test('importing the package registers the rule', () => {
  expect(getRule('${name}')).toBe(${rule});
});

/**
 * Two Gaussian blobs in 2-D: a task a linear rule can learn. Give the suite data in your rule's
 * input domain (a rate-coded rule wants intensities in [0, 1]) and a task it learns in a few epochs.
 */
function blobs(count: number, seed: number) {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: count }, (_, k) => k % 2);
  const x = Float32Array.from({ length: count * 2 }, (_, k) => rng.normal(y[k >> 1] === 0 ? -1 : 1, 0.5));
  return memorySplit(x, y, [2]);
}

// The contract every rule keeps: config errors, seeds, no leaks, predict, exact resume,
// checkpoints, learning, dispose, on every backend this machine has.
await describeRuleConformance(${rule}, {
  task: { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' },
  data: () => ({ train: blobs(128, 1), test: blobs(100, 2) }),
  config: { learningRate: 0.1 },
  badFields: { initScale: -1, learningRate: 0 },
});
`,
    'README.md': `# ${pkg}

${description} Importing the package registers the rule as \`'${name}'\`: \`getRule('${name}')\`, and on the command line \`plasticity train ${name} --plugin ${pkg}\`.

\`\`\`sh
npm install ${pkg} @plasticity/core-tensors @tensorflow/tfjs-core@4.22.0
\`\`\`

## Example

\`\`\`js
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseConfig } from '@plasticity/core-tensors';
import { ${rule} } from '${pkg}';

await initBackend('cpu');
const task = { kind: 'classification', outputs: 2, input: { kind: 'dense', shape: [2] } };
const learner = ${rule}.create(parseConfig(${rule}, { learningRate: 0.5 }), task, 0);
const x = tf.tensor2d([[-1, -1], [1, 1], [-1, -0.5], [0.5, 1]]);
const y = tf.tensor1d([0, 1, 0, 1], 'int32');
for (let k = 0; k < 50; k++) await learner.trainStep({ x, y, size: 4 });
const scores = await learner.predict(x);
const predicted = tf.argMax(scores, 1);
console.log(await predicted.array()); // [0, 1, 0, 1]
tf.dispose([x, y, scores, predicted]);
learner.dispose();
\`\`\`

## Config

| field | default | meaning |
| --- | --- | --- |
| \`initScale\` | 0.1 | weights start U(±initScale) |
| \`optimizer\`, \`learningRate\`, … | adam, 1e-3 | the optimiser (core-tensors' shared settings) |
`,
    [`.changeset/rule-${name}-first.md`]: `---
'${pkg}': minor
---

First release of \`${pkg}\`: ${description}
`,
  };
}
