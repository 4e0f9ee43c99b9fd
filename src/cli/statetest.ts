/**
 * `multilane statetest <file|dir>...`: runs state-test fixtures and reports
 * per case. Thin: flags in, src/fixtures does the work.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { FixtureError } from '../errors.js';
import { isForkName, parseFork, type Fork } from '../primitives/fork.js';
import { collectFixtureFiles } from '../fixtures/files.js';
import { formatKnownFailures, readKnownFailures, type KnownFailures } from '../fixtures/known-failures.js';
import { runFailed, summarize, summaryJson, summaryText } from '../fixtures/report.js';
import { caseId, type FileResult } from '../fixtures/statetest.js';
import { runStateTestFiles, TABLE_EXECUTOR_MODULE } from '../fixtures/statetest-pool.js';
import { EXIT_FAILED, EXIT_OK, intFlag, regexFlag, STDIO, UsageError, withUsage, type Io } from './usage.js';

/** The report options every fixture command shares (statetest, blocktest). */
export const FIXTURE_REPORT_OPTIONS = `  --write-failures FILE    write this run's failing cases to FILE in that format
  --json                   print one JSON object on stdout:
                           {passed, failed, skipped, known, fixed, failures: [...], byFork}
  --max-shown N            failures listed in the text report (default 50; 0: all)
  --no-progress            no progress line on stderr
  -h, --help               this text`;

export const STATETEST_USAGE = `usage: multilane statetest <file|dir>... [options]

Runs state-test fixtures (execution-spec-tests / ethereum/tests JSON, .json or
.json.gz; directories are walked recursively): every test, every fork in its
post section, every data/gas/value entry. Checks the state root, the logs hash,
the signed transaction bytes and expected rejections. Exits 1 if a case fails.

options:
  --fork NAME              only this fork (e.g. Cancun; fixture spellings like
                           ConstantinopleFix or Merge work too)
  --filter REGEX           only tests whose name or file path matches
  --jobs N                 worker threads, whole files each (default: ${availableParallelism()}, the cores)
  --known-failures FILE    cases allowed to fail, one id a line ("file::test::fork::d/g/v  # why");
                           a listed case that passes fails the run (the list only shrinks)
  --state KIND             what each transaction reads its pre-state from: memory (default; the
                           sequential executor's MemoryState) or table (the parallel executor's
                           location table, through the view its ordered-mode workers read with)
${FIXTURE_REPORT_OPTIONS}`;

/**
 * What sets one fixture-runner command apart (statetest, blocktest): the
 * flags, the reports and the exit codes are shared.
 */
export interface FixtureCommand {
  name: string;
  usage: string;
  /** The report's first words ("state tests"). */
  title: string;
  /** The first line of a --write-failures list. */
  failuresHeader: string;
  runFiles(
    files: readonly string[],
    options: { jobs: number; fork?: Fork; filter?: RegExp; state: StateKind; onFile: (r: FileResult, done: number) => void },
  ): Promise<FileResult[]>;
  /** The --state kinds it takes (the first is the default). */
  states: readonly StateKind[];
}

/** Where a fixture command's transactions read their state (--state). */
export type StateKind = 'memory' | 'table';

const STATETEST: FixtureCommand = {
  name: 'statetest',
  usage: STATETEST_USAGE,
  title: 'state tests',
  failuresHeader: 'State-test cases that fail (multilane statetest --write-failures)',
  runFiles: (files, options) => runStateTestFiles(files, { ...options, executorModule: options.state === 'table' ? TABLE_EXECUTOR_MODULE : undefined }),
  states: ['memory', 'table'],
};

export async function statetestCommand(argv: string[], io: Io = STDIO): Promise<number> {
  return runFixtureCommand(STATETEST, argv, io);
}

/** Runs a fixture-runner command line: flags in, the report out, 1 on any failure, 2 on a usage error. */
export async function runFixtureCommand(command: FixtureCommand, argv: string[], io: Io): Promise<number> {
  return withUsage(command.name, io, () => run(command, argv, io));
}

interface Flags {
  paths: string[];
  fork?: Fork;
  filter?: RegExp;
  jobs: number;
  known?: KnownFailures;
  writeFailures?: string;
  json: boolean;
  maxShown: number;
  progress: boolean;
  state: StateKind;
}

function parseFlags(command: FixtureCommand, argv: string[]): Flags | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      fork: { type: 'string' },
      filter: { type: 'string' },
      jobs: { type: 'string' },
      'known-failures': { type: 'string' },
      'write-failures': { type: 'string' },
      json: { type: 'boolean' },
      'max-shown': { type: 'string' },
      'no-progress': { type: 'boolean' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const state = (values.state ?? command.states[0]) as StateKind;
  if (!command.states.includes(state)) throw new UsageError(`--state: ${command.states.join(' or ')}, not '${values.state}'`);
  if (positionals.length === 0) throw new UsageError('give at least one fixture file or directory');
  if (values.fork !== undefined && !isForkName(values.fork)) throw new UsageError(`--fork: unknown fork '${values.fork}'`);
  let known: KnownFailures | undefined;
  try {
    known = values['known-failures'] === undefined ? undefined : readKnownFailures(values['known-failures']);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    paths: positionals,
    fork: values.fork === undefined ? undefined : parseFork(values.fork),
    filter: regexFlag('--filter', values.filter),
    jobs: intFlag('--jobs', values.jobs, 1) ?? availableParallelism(),
    known,
    writeFailures: values['write-failures'],
    json: values.json ?? false,
    maxShown: intFlag('--max-shown', values['max-shown'], 0) ?? 50,
    progress: !values['no-progress'],
    state,
  };
}

async function run(command: FixtureCommand, argv: string[], io: Io): Promise<number> {
  const flags = parseFlags(command, argv);
  if (flags === undefined) {
    io.out(`${command.usage}\n`);
    return EXIT_OK;
  }
  let files: string[];
  try {
    files = collectFixtureFiles(flags.paths);
  } catch (e) {
    if (e instanceof FixtureError) throw new UsageError(e.message);
    throw e;
  }
  const started = performance.now();
  const progress = flags.progress ? new Progress(command.name, files.length, started) : undefined;
  const results = await command.runFiles(files, {
    jobs: flags.jobs,
    fork: flags.fork,
    filter: flags.filter,
    state: flags.state,
    onFile: (r, done) => progress?.update(r, done),
  });
  progress?.finish();
  const seconds = (performance.now() - started) / 1000;
  const summary = summarize(results, flags.known);
  if (flags.writeFailures !== undefined) writeFailures(flags.writeFailures, results, command.failuresHeader);
  if (flags.json) io.out(`${summaryJson(summary)}\n`);
  else {
    const jobs = Math.max(1, Math.min(flags.jobs, files.length));
    const title = flags.state === 'table' ? `${command.title}, over the location table` : command.title;
    io.out(`${summaryText(summary, { title, seconds, jobs, maxShown: flags.maxShown })}\n`);
  }
  return runFailed(summary) ? EXIT_FAILED : EXIT_OK;
}

function writeFailures(path: string, results: readonly FileResult[], title: string): void {
  const entries: Array<[string, string]> = [];
  for (const f of results) for (const c of f.cases) if (c.status === 'fail') entries.push([caseId(c), c.reason ?? '']);
  const header = `${title}, ${new Date().toISOString().slice(0, 10)}.\nRemove a line once its case passes.`;
  writeFileSync(path, formatKnownFailures(entries, header));
}

/**
 * Progress on stderr for runs longer than two seconds: one rewritten line on
 * a terminal, a line every ten seconds otherwise (CI logs).
 */
class Progress {
  private passed = 0;
  private failed = 0;
  private lastDraw = 0;
  private drawn = false;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly started: number,
  ) {}

  update(r: FileResult, done: number): void {
    for (const c of r.cases) {
      if (c.status === 'pass') this.passed++;
      else this.failed++;
    }
    const now = performance.now();
    if (now - this.started < 2000 || now - this.lastDraw < (this.tty ? 200 : 10_000)) return;
    this.lastDraw = now;
    this.draw(done, now);
  }

  private draw(done: number, now: number): void {
    const line = `${this.label}: ${done}/${this.total} files, ${this.passed} passed, ${this.failed} failed, ${((now - this.started) / 1000).toFixed(0)} s`;
    process.stderr.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn && this.tty) process.stderr.write('\n');
  }
}
