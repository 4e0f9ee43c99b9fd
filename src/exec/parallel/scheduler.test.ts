import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABORTING, EXECUTED, EXECUTING, READY_TO_EXECUTE, Scheduler, schedulerWords } from './scheduler.js';
import { TASK_EXECUTE, TASK_NONE, TASK_VALIDATE } from './types.js';

/** Thread 0's view of a fresh scheduler for `n` transactions (two threads take part). */
function scheduler(n: number): Scheduler {
  const s = new Scheduler(new SharedArrayBuffer(4 * schedulerWords(8)), 8, 0);
  s.reset(n);
  s.begin(2);
  return s;
}

/** Thread 1's view of the same scheduler. */
function second(s: Scheduler): Scheduler {
  const t = new Scheduler(s.a.buffer as SharedArrayBuffer, 8, 1);
  t.begin(2);
  return t;
}

/** Runs every task to completion with no conflicts; returns the task trace. */
function drain(s: Scheduler, first?: number): string[] {
  const trace: string[] = [];
  let kind = first ?? s.nextTask();
  for (let guard = 0; guard < 100; guard++) {
    if (kind === TASK_EXECUTE) {
      trace.push(`E${s.taskTx}.${s.taskInc}`);
      kind = s.finishExecution(s.taskTx, s.taskInc, false);
    } else if (kind === TASK_VALIDATE) {
      trace.push(`V${s.taskTx}.${s.taskInc}`);
      kind = s.finishValidation(s.taskTx, false);
    } else {
      if (s.done()) return trace;
      kind = s.nextTask();
    }
  }
  throw new Error('did not finish');
}

test('without conflicts: each transaction executes once, is validated once, then the block is done', () => {
  const s = scheduler(3);
  assert.deepEqual(drain(s), ['E0.0', 'V0.0', 'E1.0', 'V1.0', 'E2.0', 'V2.0']);
  for (let i = 0; i < 3; i++) assert.equal(s.status(i), EXECUTED);
  assert.equal(s.nextTask(), TASK_NONE);
  assert.ok(s.done());
});

test('an empty block is done at once', () => {
  const s = scheduler(0);
  assert.equal(s.nextTask(), TASK_NONE);
  assert.ok(s.done());
});

test('a new write location schedules every higher transaction for validation again', () => {
  const t = scheduler(3);
  assert.equal(t.nextTask(), TASK_EXECUTE);
  assert.equal(t.taskTx, 0); // left running while another thread works
  const t2 = second(t);
  const trace: string[] = [];
  for (let k = t2.nextTask(), guard = 0; guard < 20 && !(trace.includes('E2') && trace.includes('V2')); k = t2.nextTask(), guard++) {
    if (k === TASK_EXECUTE) {
      trace.push(`E${t2.taskTx}`);
      assert.equal(t2.finishExecution(t2.taskTx, 0, false), TASK_NONE);
    } else if (k === TASK_VALIDATE) {
      trace.push(`V${t2.taskTx}`);
      t2.finishValidation(t2.taskTx, false);
    }
  }
  // Tx 0 could not be validated while executing; 1 and 2 ran and were validated.
  assert.deepEqual(trace, ['E1', 'V1', 'E2', 'V2']);
  // Tx 0 finishes having written a location its (nonexistent) previous incarnation did not:
  // every transaction from 0 up is validated again.
  assert.equal(t.finishExecution(0, 0, true), TASK_NONE);
  const seen: string[] = [];
  for (let k = t.nextTask(); k === TASK_VALIDATE; k = t.nextTask()) {
    seen.push(`V${t.taskTx}`);
    t.finishValidation(t.taskTx, false);
  }
  assert.deepEqual(seen, ['V0', 'V1', 'V2']);
  assert.ok(t.done());
});

test('a failed validation aborts the incarnation, readies the next one and revalidates those above', () => {
  const s = scheduler(2);
  assert.deepEqual(drain(s), ['E0.0', 'V0.0', 'E1.0', 'V1.0']);
  // Suppose tx 0's write changed after tx 1 validated: a late validation of tx 1 fails.
  assert.ok(s.tryValidationAbort(1, 0));
  assert.equal(s.status(1), ABORTING);
  assert.ok(!s.tryValidationAbort(1, 0), 'only one validation aborts an incarnation');
  // execution_idx is past 1: the re-execution comes back directly.
  assert.equal(s.finishValidation(1, true), TASK_EXECUTE);
  assert.equal(s.taskTx, 1);
  assert.equal(s.taskInc, 1);
  assert.equal(s.status(1), EXECUTING);
  // validation_idx (2) is above 1 and nothing new was written: validate just tx 1, directly.
  assert.equal(s.finishExecution(1, 1, false), TASK_VALIDATE);
  assert.equal(s.taskTx, 1);
  assert.equal(s.finishValidation(1, false), TASK_NONE);
  assert.equal(s.nextTask(), TASK_NONE);
  assert.ok(s.done());
});

test('finishExecution hands back its own validation when nothing new was written', () => {
  const s = scheduler(2);
  assert.equal(s.nextTask(), TASK_EXECUTE);
  assert.equal(s.finishExecution(0, 0, false), TASK_NONE);
  assert.equal(s.nextTask(), TASK_VALIDATE);
  assert.equal(s.finishValidation(0, false), TASK_NONE);
  assert.equal(s.nextTask(), TASK_EXECUTE); // tx 1
  assert.equal(s.taskTx, 1);
  // validation_idx is 1: not above 1, so no direct validation task...
  assert.equal(s.finishExecution(1, 0, false), TASK_NONE);
  // ...but the counter reaches it.
  assert.equal(s.nextTask(), TASK_VALIDATE);
  assert.equal(s.taskTx, 1);
});

test('a dependency parks the transaction until the blocking one executes, then it runs again', () => {
  const s = scheduler(3);
  assert.equal(s.nextTask(), TASK_EXECUTE); // tx 0, kept running
  const other = second(s);
  assert.equal(other.nextTask(), TASK_NONE); // tries to validate tx 0, which is executing
  assert.equal(other.nextTask(), TASK_EXECUTE);
  assert.equal(other.taskTx, 1);
  // tx 1 read an ESTIMATE of tx 0 (say): park it.
  assert.ok(other.addDependency(1, 0));
  assert.equal(other.status(1), ABORTING);
  assert.equal(other.nextTask(), TASK_NONE); // tries to validate tx 1: parked, nothing to validate
  assert.equal(other.nextTask(), TASK_EXECUTE);
  assert.equal(other.taskTx, 2);
  other.finishExecution(2, 0, false);
  // tx 0 finishes: tx 1 becomes READY with incarnation 1 and the execution counter comes back to it.
  const next = s.finishExecution(0, 0, false);
  assert.equal(s.status(1), READY_TO_EXECUTE);
  assert.equal(s.incarnation(1), 1);
  const trace = drain(s, next);
  assert.ok(trace.includes('E1.1'), trace.join(' '));
  assert.ok(s.done());
});

test('addDependency on an already executed transaction returns false (run again at once)', () => {
  const s = scheduler(2);
  assert.equal(s.nextTask(), TASK_EXECUTE);
  s.finishExecution(0, 0, false);
  const other = second(s);
  assert.equal(other.nextTask(), TASK_VALIDATE); // validation_idx < execution_idx
  other.finishValidation(0, false);
  assert.equal(other.nextTask(), TASK_EXECUTE);
  assert.equal(other.taskTx, 1);
  assert.equal(other.addDependency(1, 0), false);
  assert.equal(other.status(1), EXECUTING);
});

test('abort is seen by every thread at its next task', () => {
  const s = scheduler(2);
  s.abort(3);
  assert.equal(s.abortReason(), 3);
  assert.throws(() => s.nextTask(), /aborted \(reason 3\)/);
});
