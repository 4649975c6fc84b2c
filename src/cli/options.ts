import { UserError } from './errors';

/** A comma-separated list of positive integers (`--threads 1,2,4`), or undefined when absent. */
export function countList(flag: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1 || n > 1024)) {
    throw new UserError(`--${flag} wants a comma-separated list of positive integers, e.g. 1,2,4; got '${value}'`);
  }
  return list;
}

/** One of a fixed set of words, or undefined when absent. */
export function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UserError(`--${flag} must be one of ${allowed.join(', ')}; got '${value}'`);
  return value as T;
}

/** `--max-size MB` as a positive number, or undefined when absent. */
export function maxSizeMb(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const mb = Number(value);
  if (!(mb > 0)) throw new UserError(`--max-size wants a positive number of MB, got '${value}'`);
  return mb;
}
