import { describe, expect, it } from '@jest/globals';
import { formatResult, inputValue, slug, urlInput, urlOptions } from './options.js';

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

describe('inputs', () => {
  it('takes a value from the URL by the input name, else the default', () => {
    expect(urlInput('?mnistUrl=https%3A%2F%2Fexample.org%2Fm%2F&epochs=2', 'mnistUrl', '/d/')).toBe(
      'https://example.org/m/',
    );
    expect(urlInput('?epochs=2', 'mnistUrl', '/d/')).toBe('/d/');
  });

  it('makes a url input absolute against the page (a worker would resolve it against its script)', () => {
    const page = 'https://site.test/docs/examples/mnist.html?epochs=2';
    expect(inputValue('url', '/docs/mnist-subset/', page)).toBe('https://site.test/docs/mnist-subset/');
    expect(inputValue('url', ' data/ ', page)).toBe('https://site.test/docs/examples/data/');
    expect(inputValue('url', 'https://mirror.test/mnist/', page)).toBe('https://mirror.test/mnist/');
    expect(inputValue('text', 'data/', page)).toBe('data/');
    expect(inputValue(undefined, 'data/', page)).toBe('data/');
  });
});
