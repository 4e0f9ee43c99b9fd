/**
 * The `multilane` command line: `multilane <command> [args]`. Each command
 * lives in its own file and exports `(argv) => Promise<exit code>`; the
 * table below loads it only when it runs (so `statetest` does not load the
 * benchmark engines). To add a command, add a row.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT_USAGE, STDIO, type Io } from './usage.js';

/** A command: its arguments (after the command name) in, an exit code out; `io` where it reports, where it supports that. */
type CommandMain = (argv: string[], io?: Io) => Promise<number>;

interface Command {
  summary: string;
  load: () => Promise<CommandMain>;
}

export const COMMANDS: Record<string, Command> = {
  statetest: {
    summary: 'run state-test fixtures (execution-spec-tests JSON) and report per case',
    load: async () => (await import('./statetest.js')).statetestCommand,
  },
  blocktest: {
    summary: 'run blockchain-test fixtures (execution-spec-tests JSON) and report per test',
    load: async () => (await import('./blocktest.js')).blocktestCommand,
  },
  replay: {
    summary: 'replay mainnet blocks sequentially and in parallel, checked against their headers',
    load: async () => (await import('./replay.js')).replayCommand,
  },
  bench: {
    summary: 'run the benchmark workloads on our EVM and on @ethereumjs/vm',
    load: async () => (await import('./bench.js')).benchCommand,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: multilane <command> [args]\n\ncommands:\n${rows.join('\n')}\n\n'multilane <command> --help' describes a command's options.`;
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: Io = STDIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(`${usage()}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.err(`multilane: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see 'multilane --help')\n`);
    return EXIT_USAGE;
  }
  return (await command.load())(rest, io);
}

/** Whether this module is the program's entry (`tsx src/cli/main.ts ...`), not imported by bin/ or a test. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`multilane: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
