/**
 * What the local runtime asks the operating system about processes: whether one runs, which process it
 * is (so a process id reused after a restart is not taken for the one that wrote a lock), and its
 * parent. Linux answers from /proc; elsewhere only whether the id is in use is known.
 */
import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .trim()
      .split(' ');
  } catch {
    return undefined;
  }
}

let bootId: string | undefined | null = null;
function thisBoot(): string | undefined {
  if (bootId === null) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

/**
 * Names this run of a process: the machine's boot and the process's start time (Linux), which differ
 * for another process given the same id later. Undefined where that cannot be read.
 */
export function processIdentity(pid: number): string | undefined {
  const fields = statFields(pid);
  const boot = thisBoot();
  // starttime is field 22 of stat; fields[0] is field 3 (the state).
  const started = fields?.[19];
  return fields && boot && started ? `${boot}/${started}` : undefined;
}

/** Whether a process with this id is running (a zombie, ended but not yet reaped, is not). */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return statFields(pid)?.[0] !== 'Z';
}

/** The parent of a process (Linux); undefined where it cannot be read, or the process is gone. */
export function parentOf(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/** A process's command line, its arguments joined with spaces (Linux); '' where it cannot be read. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
