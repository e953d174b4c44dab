import { InvalidArgumentError } from 'commander';

// Commander argument parsers: a bad value becomes commander's one-line
// "option '--epochs <n>' argument 'x' is invalid. <why>" and a usage exit.

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('Expected a whole number ≥ 1.');
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n > 0xffffffff) {
    throw new InvalidArgumentError('Expected a whole number from 0 to 4294967295.');
  }
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('Expected a number > 0 (e.g. 0.001 or 1e-3).');
  }
  return n;
}

/** A thread count or `auto`. */
export function threadsOrAuto(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  try {
    return positiveInt(value);
  } catch {
    throw new InvalidArgumentError('Expected a whole number ≥ 1 or auto.');
  }
}

/** `--inputs 25000` → `inputs`, `--plateau-position` → `plateauPosition`. */
export const camelCase = (flag: string): string =>
  flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `plateauPosition` → `--plateau-position`. */
export const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
