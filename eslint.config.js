import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Package layering (issue 10): dependencies point down only.
//   core-tensors  <  datasets, neurons  <  rule-*  <  plasticity (the umbrella)
// datasets and neurons do not import each other; no rule imports another rule or datasets.
// A strict order admits no cycle between packages, so these rules also reject every cycle.
const UMBRELLA = {
  group: ['plasticity', 'plasticity/*'],
  message: 'only the umbrella may import plasticity',
};
const RULES = {
  group: ['@plasticity/rule-*'],
  message: 'a package below the rules (or a rule) must not import a rule',
};
const DATASETS = {
  group: ['@plasticity/datasets', '@plasticity/datasets/*'],
  message: 'only the umbrella imports datasets: rules and neurons take tensors, not loaders',
};
const NEURONS = {
  group: ['@plasticity/neurons', '@plasticity/neurons/*'],
  message: 'datasets sit beside neurons, not above them',
};
const ANY_PLASTICITY = {
  group: ['@plasticity/*'],
  message: 'core-tensors is the bottom layer: it imports no package',
};
// Reaching into another package by a relative path bypasses all of the above.
const SIBLING_PATH = {
  regex: '^(\\.\\./)+(core-tensors|datasets|neurons|plasticity|rule-[^/]+)/',
  message: 'import another package by its name, not by a relative path',
};

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, SIBLING_PATH] }] },
});

export default tseslint.config(
  // docs/examples/code: live-example bodies, run with the plasticity API in scope (not modules).
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'runs/**',
      'docs/examples/code/**',
      'docs/.vitepress/cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(['packages/core-tensors/**'], [ANY_PLASTICITY, UMBRELLA]),
  layer(['packages/datasets/**'], [NEURONS, RULES, UMBRELLA]),
  layer(['packages/neurons/**'], [DATASETS, RULES, UMBRELLA]),
  layer(['packages/rule-*/**'], [DATASETS, RULES, UMBRELLA]),
);
