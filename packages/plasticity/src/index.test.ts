import { describe, expect, test } from '@jest/globals';
import * as core from '@plasticity/core-tensors';
import * as datasets from '@plasticity/datasets';
import * as neurons from '@plasticity/neurons';
import * as backprop from '@plasticity/rule-backprop';
import * as bptt from '@plasticity/rule-bptt';
import * as btsp from '@plasticity/rule-btsp';
import * as eventprop from '@plasticity/rule-eventprop';
import * as forwardForward from '@plasticity/rule-forward-forward';
import * as leastControl from '@plasticity/rule-least-control';
import * as smoothExact from '@plasticity/rule-smooth-exact';
import * as spikeEvent from '@plasticity/rule-spike-event';
import * as stdp from '@plasticity/rule-stdp';
// The environment-neutral side of datasets, which Jest (running in Node) does not resolve by name.
import * as neutralDatasets from '../../datasets/src/index.js';
import * as neutral from './index.js';
// What Node gets for 'plasticity' (the `node` condition); Jest resolves the packages the same way.
import * as umbrella from './node.js';

describe('plasticity re-exports', () => {
  test.each([
    ['@plasticity/core-tensors', core],
    ['@plasticity/datasets', datasets],
    ['@plasticity/neurons', neurons],
    ['@plasticity/rule-backprop', backprop],
    ['@plasticity/rule-bptt', bptt],
    ['@plasticity/rule-btsp', btsp],
    ['@plasticity/rule-eventprop', eventprop],
    ['@plasticity/rule-forward-forward', forwardForward],
    ['@plasticity/rule-least-control', leastControl],
    ['@plasticity/rule-smooth-exact', smoothExact],
    ['@plasticity/rule-spike-event', spikeEvent],
    ['@plasticity/rule-stdp', stdp],
  ])('every value export of %s, as the same object', (name, module) => {
    if (name.includes('/rule-')) {
      // Rule packages are namespaces (their helper names overlap).
      const namespaces: Record<string, unknown> = {
        '@plasticity/rule-backprop': umbrella.backprop,
        '@plasticity/rule-bptt': umbrella.bptt,
        '@plasticity/rule-btsp': umbrella.btsp,
        '@plasticity/rule-eventprop': umbrella.eventprop,
        '@plasticity/rule-forward-forward': umbrella.forwardForward,
        '@plasticity/rule-least-control': umbrella.leastControl,
        '@plasticity/rule-smooth-exact': umbrella.smoothExact,
        '@plasticity/rule-spike-event': umbrella.spikeEvent,
        '@plasticity/rule-stdp': umbrella.stdp,
      };
      const namespace = namespaces[name];
      for (const key of Object.keys(module)) {
        expect((namespace as Record<string, unknown>)[key]).toBe((module as Record<string, unknown>)[key]);
      }
      return;
    }
    const missing = Object.keys(module).filter((key) => !(key in umbrella));
    expect(missing).toEqual([]);
    for (const key of Object.keys(module)) {
      expect((umbrella as Record<string, unknown>)[key]).toBe((module as Record<string, unknown>)[key]);
    }
  });

  test("the neutral entry re-exports every value of datasets' neutral entry, as the same object", () => {
    // Under Jest '@plasticity/datasets' resolves to the Node entry, whose loadDataset (data dir,
    // download cache) replaces the fetch-based one; every other name is shared.
    for (const key of Object.keys(neutralDatasets).filter((k) => k !== 'loadDataset')) {
      expect((neutral as Record<string, unknown>)[key]).toBe(
        (neutralDatasets as Record<string, unknown>)[key],
      );
    }
  });

  test('importing it registers the built-in rules', () => {
    expect(umbrella.listRules().map((rule) => rule.name)).toContain('backprop');
    expect(umbrella.getRule('backprop')).toBe(umbrella.backpropRule);
    expect(umbrella.getRule('bptt')).toBe(umbrella.bpttRule);
    expect(umbrella.getRule('eventprop')).toBe(umbrella.eventpropRule);
    expect(umbrella.getRule('forward-forward')).toBe(umbrella.forwardForwardRule);
    expect(umbrella.getRule('least-control')).toBe(umbrella.leastControlRule);
    expect(umbrella.getRule('smooth-exact')).toBe(umbrella.smoothExactRule);
    expect(umbrella.getRule('spike-event')).toBe(umbrella.spikeEventRule);
    expect(umbrella.getRule('stdp')).toBe(umbrella.stdpRule);
  });
});
