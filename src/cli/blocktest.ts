/**
 * `multilane blocktest <file|dir>...`: runs blockchain-test fixtures and
 * reports per test. The flags, reports and exit codes are statetest's
 * (runFixtureCommand); src/fixtures/blocktest.ts does the work.
 */
import { availableParallelism } from 'node:os';
import { runBlockTestFiles } from '../fixtures/blocktest-pool.js';
import { FIXTURE_REPORT_OPTIONS, runFixtureCommand, type FixtureCommand } from './statetest.js';
import { STDIO, type Io } from './usage.js';

export const BLOCKTEST_USAGE = `usage: multilane blocktest <file|dir>... [options]

Runs blockchain-test fixtures (execution-spec-tests JSON, .json or .json.gz;
directories are walked recursively): each test imports its blocks on top of
its genesis, rejects the invalid ones with the expected exception, and must
end at the expected last block hash and post-state. One case per test; its
fork is the test's network. Exits 1 if a case fails.

options:
  --fork NAME              only tests whose network runs this fork (e.g. Cancun;
                           a transition network runs both of its forks)
  --filter REGEX           only tests whose name or file path matches
  --jobs N                 worker threads, whole files each (default: ${availableParallelism()}, the cores)
  --known-failures FILE    cases allowed to fail, one id a line ("file::test::network  # why");
                           a listed case that passes fails the run (the list only shrinks)
  --state KIND             what the blocks read and write: memory (default; a MemoryState) or table
                           (the parallel executor's location table, read through its workers' view,
                           every change published as its calling thread publishes a commit)
${FIXTURE_REPORT_OPTIONS}`;

const BLOCKTEST: FixtureCommand = {
  name: 'blocktest',
  usage: BLOCKTEST_USAGE,
  title: 'blockchain tests',
  failuresHeader: 'Blockchain tests that fail (multilane blocktest --write-failures)',
  runFiles: (files, options) => runBlockTestFiles(files, { ...options, tableState: options.state === 'table' }),
  states: ['memory', 'table'],
};

export async function blocktestCommand(argv: string[], io: Io = STDIO): Promise<number> {
  return runFixtureCommand(BLOCKTEST, argv, io);
}
