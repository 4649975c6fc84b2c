/**
 * The shape of a function under test, as the generated driver needs it. The shape is read from
 * the Tree-sitter tree (functionShape.ts); this file holds the types and the C type table only.
 */

/** Scalar C types the driver can fill and print. */
export type ScalarKind = 'int' | 'uint' | 'float' | 'double' | 'char' | 'bool';

/** One parameter of the function under test. */
export interface Param {
  readonly name: string;
  /** The C spelling of the element (or scalar) type, e.g. `unsigned long`, `double`. */
  readonly ctype: string;
  readonly kind: ScalarKind;
  readonly pointer: boolean;
  /** `const T *`: the function may not write through it (a write is a difference). */
  readonly readOnly: boolean;
  /** `T *restrict`: the caller promises no overlap, so no aliased inputs are made for it. */
  readonly restrict: boolean;
}

/** A file-scope variable the function (or a function it calls) mentions. */
export interface GlobalVar {
  readonly name: string;
  readonly ctype: string;
  /** null: a type the driver cannot print as numbers (a struct): compared byte for byte. */
  readonly kind: ScalarKind | null;
  /** Declared as a fixed-size array. */
  readonly array: boolean;
}

/** Everything the driver generator needs about one function. */
export interface FunctionShape {
  readonly name: string;
  readonly returnType: string;
  readonly returnKind: ScalarKind | 'void';
  readonly params: readonly Param[];
  /** Integer parameters that appear in loop conditions: they set the problem size. */
  readonly sizeParams: readonly string[];
  /** Deepest nesting of loops in the body. */
  readonly loopDepth: number;
  readonly globals: readonly GlobalVar[];
  /** `static` locals of the function and its callees: state the driver cannot reach (listed as left out). */
  readonly staticLocals: readonly string[];
  /** The body's source text (pragmas included), for messages. */
  readonly body: string;
}

const SCALARS: Record<string, ScalarKind> = {
  char: 'char',
  'signed char': 'char',
  'unsigned char': 'uint',
  short: 'int',
  'short int': 'int',
  'unsigned short': 'uint',
  int: 'int',
  signed: 'int',
  'signed int': 'int',
  unsigned: 'uint',
  'unsigned int': 'uint',
  long: 'int',
  'long int': 'int',
  'unsigned long': 'uint',
  'long long': 'int',
  'long long int': 'int',
  'unsigned long long': 'uint',
  size_t: 'uint',
  ptrdiff_t: 'int',
  int8_t: 'int',
  int16_t: 'int',
  int32_t: 'int',
  int64_t: 'int',
  uint8_t: 'uint',
  uint16_t: 'uint',
  uint32_t: 'uint',
  uint64_t: 'uint',
  float: 'float',
  double: 'double',
  bool: 'bool',
  _Bool: 'bool',
};

/** The kind of a C scalar type spelling (qualifiers already removed), or null. */
export function scalarKind(ctype: string): ScalarKind | null {
  return SCALARS[ctype.replace(/^std::/, '').replace(/\s+/g, ' ').trim()] ?? null;
}

/** The function cannot be driven by a generated harness; `reason` says exactly why. */
export class HarnessUnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(`harness generation: ${reason}`);
  }
}
