// plasticity: one import for the whole toolkit. Re-exports the core, the data sets and the
// spiking library flat, and each built-in rule package as a namespace (their helper names
// overlap); importing it registers the built-in rules. In Node, '@plasticity/datasets' resolves
// to its Node entry (files, download cache); elsewhere to its environment-neutral one.
import '@tensorflow/tfjs-core'; // before core-tensors' gradient bundle: see cli/main.ts

export * from '@plasticity/core-tensors';
export * from '@plasticity/datasets';
export * from '@plasticity/neurons';

// Built-in rules: the plugins by name, and each package whole as a namespace.
export { backpropRule } from '@plasticity/rule-backprop';
export { bpttRule } from '@plasticity/rule-bptt';
export { eventpropRule } from '@plasticity/rule-eventprop';
export { forwardForwardRule } from '@plasticity/rule-forward-forward';
export { leastControlRule } from '@plasticity/rule-least-control';
export { smoothExactRule } from '@plasticity/rule-smooth-exact';
export { spikeEventRule } from '@plasticity/rule-spike-event';
export { stdpRule } from '@plasticity/rule-stdp';
export * as backprop from '@plasticity/rule-backprop';
export * as btsp from '@plasticity/rule-btsp';
export * as bptt from '@plasticity/rule-bptt';
export * as eventprop from '@plasticity/rule-eventprop';
export * as forwardForward from '@plasticity/rule-forward-forward';
export * as leastControl from '@plasticity/rule-least-control';
export * as smoothExact from '@plasticity/rule-smooth-exact';
export * as spikeEvent from '@plasticity/rule-spike-event';
export * as stdp from '@plasticity/rule-stdp';
