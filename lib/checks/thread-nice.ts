/**
 * Lowers the CPU priority of the calling thread (not the process): the engine thread probes at a
 * higher nice value than the web thread answers HTTP, so on a machine with more runnable work than
 * cores (300 checks in flight on two) the scheduler gives the web thread its share first. Linux
 * only: a thread's kernel id is the last part of /proc/thread-self; os.setPriority takes it.
 * Raising the value needs no privilege; lowering it back would, so a thread is niced once.
 */
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** the kernel names of the embedded server's engine and store-writer threads (nameThisThread) */
export const ENGINE_THREAD_NAME = 'mxray-engine';
export const WRITER_THREAD_NAME = 'mxray-writer';

export type NiceOutcome = { applied: true; tid: number; nice: number } | { applied: false; reason: string };

export function niceThisThread(nice: number): NiceOutcome {
  if (nice === 0) return { applied: false, reason: 'CHECK_RUNNER_NICE is 0' };
  if (process.platform !== 'linux') return { applied: false, reason: `not supported on ${process.platform}` };
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return { applied: false, reason: 'no thread id in /proc/thread-self' };
    os.setPriority(tid, nice);
    return { applied: true, tid, nice: threadNice(tid) ?? nice };
  } catch (err) {
    return { applied: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** A thread's nice value as the kernel reports it (/proc/self/task/<tid>/stat, field 19). */
export function threadNice(tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is parenthesised and may contain spaces: field 3 is [0].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const nice = Number(fields[19 - 3]);
    return Number.isInteger(nice) ? nice : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names the calling thread for the kernel (/proc/thread-self/comm, at most 15 bytes): `top -H`,
 * `ps -L` and the load run (its per-thread CPU) tell the engine and writer threads apart from
 * V8's and libuv's. Best effort: false where there is no such file.
 */
export function nameThisThread(name: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
    return true;
  } catch {
    return false;
  }
}
