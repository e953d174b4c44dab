import { expect, test } from '@jest/globals';
import { isPlasticityError, validateWithSchema } from '@plasticity/core-tensors';
import { surrogateFunction } from './surrogate.js';
import { RENAMED, SURROGATES, VOLTAGE_READOUTS, choiceSchema } from './vocabulary.js';

const parse = (values: readonly [string, ...string[]], raw: unknown): unknown =>
  validateWithSchema(choiceSchema(values), raw, { what: 'choice' });

test('a choice accepts its values and nothing else', () => {
  for (const name of VOLTAGE_READOUTS) expect(parse(VOLTAGE_READOUTS, name)).toBe(name);
  expect(() => parse(VOLTAGE_READOUTS, 'hinge')).toThrow('one of "max-voltage" | "mean-voltage"');
});

test.each(Object.entries(RENAMED))('the old name %s is refused with its new name %s', (old, renamed) => {
  const values = (SURROGATES as readonly string[]).includes(renamed) ? SURROGATES : VOLTAGE_READOUTS;
  let error: unknown;
  try {
    parse(values, old);
  } catch (e) {
    error = e;
  }
  expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
  expect((error as Error).message).toContain(`expected "${renamed}" (the new name of "${old}")`);
});

test('surrogateFunction builds the named spike function, with its scale or the default', () => {
  expect(surrogateFunction('fast-sigmoid').surrogate).toEqual({ kind: 'fast-sigmoid', slope: 25 });
  expect(surrogateFunction('fast-sigmoid', 4).surrogate).toEqual({ kind: 'fast-sigmoid', slope: 4 });
  expect(surrogateFunction('super-spike', 10).surrogate).toEqual({ kind: 'super-spike', beta: 10 });
  expect(surrogateFunction('arctan').surrogate).toEqual({ kind: 'arctan', alpha: 2 });
  // Every config name has a function (the switch is exhaustive at runtime too).
  for (const name of SURROGATES) expect(surrogateFunction(name).surrogate.kind).toBe(name);
});
