import { UserError } from '../errors/user-error.ts';

/**
 * Typed family parameters. A family declares each parameter of its benchmark names (`order`, `clients`,
 * `vs`, ...) with its kind and what is valid; `parseParams` turns the name's strings into a typed object
 * once, when the plan is made, so a bad value ends the run before any layout opens.
 */
export interface IntParam {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
  readonly default?: number;
  /** Words that stand for a number outside the range (`auto` for 0: "no bound of my own"). */
  readonly words?: Readonly<Record<string, number>>;
}

export interface EnumParam<V extends string = string> {
  readonly kind: 'enum';
  readonly values: readonly V[];
  readonly default?: V;
}

/** Bytes, written as a whole number (benchmark names carry `vs=1024`). */
export interface SizeParam {
  readonly kind: 'size';
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

export interface BoolParam {
  readonly kind: 'bool';
  readonly default?: boolean;
}

export type ParamSpec = IntParam | EnumParam | SizeParam | BoolParam;

/** A family's parameters by name. `layout` is not among them: the plan checks it against the layouts. */
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

type ValueOf<S extends ParamSpec> = S extends EnumParam<infer V> ? V : S extends BoolParam ? boolean : number;

/** The typed parameters a schema parses to. */
export type ParamsOf<S extends ParamSchema> = { readonly [K in keyof S]: ValueOf<S[K]> };

export function intParam(min: number, max: number, dflt?: number): IntParam {
  return dflt === undefined ? { kind: 'int', min, max } : { kind: 'int', min, max, default: dflt };
}

export function enumParam<const V extends string>(values: readonly V[], dflt?: NoInfer<V>): EnumParam<V> {
  return dflt === undefined ? { kind: 'enum', values } : { kind: 'enum', values, default: dflt };
}

export function sizeParam(min: number, max: number): SizeParam {
  return { kind: 'size', min, max };
}

export function boolParam(dflt?: boolean): BoolParam {
  return dflt === undefined ? { kind: 'bool' } : { kind: 'bool', default: dflt };
}

/** The value size of every family: 1 byte to 64 MiB, what `--sizes` accepts. */
export const VALUE_SIZE = sizeParam(1, 64 * 1024 * 1024);

/** A parameter value the family cannot run: names family, parameter, value and what is valid, in one line. */
export class ParamError extends UserError {
  override readonly name = 'ParamError';
}

/** What is valid for a parameter, as the error states it. */
export function describeValid(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int':
      return `${Object.keys(spec.words ?? {}).map((w) => `${w}, `).join('')}a whole number in ${spec.min}..${spec.max}`;
    case 'size':
      return `a whole number of bytes in ${spec.min}..${spec.max}`;
    case 'enum':
      return spec.values.join(', ');
    case 'bool':
      return 'true, false';
  }
}

/**
 * Parses a case's `key=value` strings (`layout` aside) into the typed object `schema` describes. Throws a
 * ParamError for an unknown key, a missing value without default, or a value outside what is valid.
 */
export function parseParams<S extends ParamSchema>(family: string, schema: S, raw: Readonly<Record<string, string>>): ParamsOf<S> {
  for (const key of Object.keys(raw)) {
    if (key !== 'layout' && !(key in schema)) {
      throw new ParamError(`${family} has no parameter "${key}" (in ${key}=${raw[key]}); valid: ${Object.keys(schema).join(', ')}`);
    }
  }
  const out: Record<string, string | number | boolean> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const text = raw[key];
    if (text === undefined) {
      if (spec.default === undefined) throw new ParamError(`${family}: parameter ${key} has no value and no default; valid: ${describeValid(spec)}`);
      out[key] = spec.default;
      continue;
    }
    const value = parseValue(spec, text);
    if (value === undefined) throw new ParamError(`${family}: bad parameter ${key}=${text === '' ? '"" (empty)' : text}; valid: ${describeValid(spec)}`);
    out[key] = value;
  }
  return out as ParamsOf<S>;
}

function parseValue(spec: ParamSpec, written: string): string | number | boolean | undefined {
  switch (spec.kind) {
    case 'enum':
      return spec.values.includes(written) ? written : undefined;
    case 'bool':
      return written === 'true' ? true : written === 'false' ? false : undefined;
    case 'int':
    case 'size': {
      const word = spec.kind === 'int' ? spec.words?.[written] : undefined;
      if (word !== undefined) return word;
      if (!/^\d+$/.test(written)) return undefined;
      const n = Number(written);
      return Number.isSafeInteger(n) && n >= spec.min && n <= spec.max ? n : undefined;
    }
  }
}
