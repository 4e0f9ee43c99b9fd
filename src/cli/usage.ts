/**
 * What the CLI commands share: a usage error (exit code 2, message plus a
 * pointer to --help) and flag-value parsing with messages that name the flag.
 */
import { MultilaneError } from '../errors.js';

/** Bad command-line input: the command prints it with a hint and exits with code 2. */
export class UsageError extends MultilaneError {
  override name = 'UsageError';
}

/** Where a command writes its report and its errors (tests pass their own). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const STDIO: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A whole number >= min from a flag's value. */
export function intFlag(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${flag} takes a whole number >= ${min}, got '${value}'`);
  return Number(value);
}

/** A RegExp from a flag's value. */
export function regexFlag(flag: string, value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch (e) {
    throw new UsageError(`${flag}: invalid regular expression: ${(e as Error).message}`);
  }
}

/**
 * Runs a command body: a UsageError (or node:util parseArgs' own errors for
 * unknown flags and missing values) prints `command: message` and the help
 * hint and returns 2.
 */
export async function withUsage(command: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`multilane ${command}: ${(e as Error).message}\n(see 'multilane ${command} --help')\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
