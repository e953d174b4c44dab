import { describe, expect, it } from '@jest/globals';
import { formatResult, slug, urlOptions } from './options.js';

describe('urlOptions', () => {
  it('reads epochs, backend and autorun', () => {
    expect(urlOptions('?epochs=2&backend=webgpu&autorun=1')).toEqual({
      epochs: 2,
      backend: 'webgpu',
      autorun: true,
    });
  });

  it('drops what it cannot use', () => {
    expect(urlOptions('?epochs=0&backend=tpu')).toEqual({ autorun: false });
    expect(urlOptions('?epochs=1.5')).toEqual({ autorun: false });
  });
});

describe('results', () => {
  it('names test ids by slug', () => {
    expect(slug('EventProp accuracy')).toBe('eventprop-accuracy');
    expect(slug('s per epoch')).toBe('s-per-epoch');
  });

  it('shows accuracies in percent and other numbers rounded', () => {
    expect(formatResult('test accuracy', 0.8254)).toBe('82.5 %');
    expect(formatResult('s per epoch', 2.00705)).toBe('2.01');
    expect(formatResult('epochs', 3)).toBe('3');
    expect(formatResult('label', 'dot')).toBe('dot');
  });
});
