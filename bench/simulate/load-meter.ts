/**
 * What the month's loop asked of DynamoDB Local: every HTTP request to it, counted by operation (the
 * `X-Amz-Target` header, e.g. `DynamoDB_20120810.GetItem`, `DynamoDBStreams_20120810.GetRecords`)
 * through Node's `http.client.request.start` diagnostics channel (local/dynamodb-requests.ts), so no
 * client or handler is touched;
 * and the CPU both processes used (this one from `process.cpuUsage`, DynamoDB Local's from
 * `/proc/<pid>/stat` on Linux; elsewhere that figure is left out).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { onDynamoDbRequests } from '#local/dynamodb-requests.ts';

export interface LoadReading {
  /** Requests to DynamoDB Local by operation (GetItem, Query, GetRecords…). */
  calls: Record<string, number>;
  /** Milliseconds of CPU, user and system. */
  nodeCpuMs: number;
  /** Milliseconds of DynamoDB Local's CPU (all its threads); undefined where /proc is not readable. */
  dynamoDbLocalCpuMs?: number;
  /**
   * Of that, the milliseconds of its SQLite thread (`SQLiteQueue`), which runs every read and write of
   * every table one at a time: the part of DynamoDB Local that more cores do not speed up.
   */
  sqliteThreadCpuMs?: number;
}

/** The thread that carries every SQLite job in DynamoDB Local (sqlite4java's SQLiteQueue). */
export const SQLITE_THREAD = /^SQLiteQueue/;

/**
 * Milliseconds of user+system CPU of the threads of a process whose names match, from
 * /proc/<pid>/task/<tid>/stat (Linux; undefined elsewhere, or when no thread matches).
 */
export function threadCpuMs(pid: number | undefined, name: RegExp): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return undefined;
  let total: number | undefined;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (name.test(comm)) total = (total ?? 0) + statCpuMs(stat);
  }
  return total;
}

/**
 * User+system CPU in a /proc `stat` line, in ms: utime and stime, fields 14 and 15, counted after the
 * command name's closing bracket (a name may hold spaces), in clock ticks of 10 ms.
 */
function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Milliseconds of user+system CPU of a process, from /proc (clock ticks of 10 ms); undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export const nodeCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Starts counting requests to `endpoint` (http://host:port); `stop()` ends it and gives the reading. */
export function meterLoad(endpoint: string, dynamoDbLocalPid: number | undefined): { stop(): LoadReading } {
  const calls: Record<string, number> = {};
  const stopCounting = onDynamoDbRequests(endpoint, (operation) => {
    calls[operation] = (calls[operation] ?? 0) + 1;
  });
  const node0 = nodeCpuMs();
  const java0 = processCpuMs(dynamoDbLocalPid);
  const sqlite0 = threadCpuMs(dynamoDbLocalPid, SQLITE_THREAD);
  return {
    stop() {
      stopCounting();
      const java1 = processCpuMs(dynamoDbLocalPid);
      const sqlite1 = threadCpuMs(dynamoDbLocalPid, SQLITE_THREAD);
      return {
        calls,
        nodeCpuMs: nodeCpuMs() - node0,
        ...(java0 !== undefined && java1 !== undefined ? { dynamoDbLocalCpuMs: java1 - java0 } : {}),
        ...(sqlite1 !== undefined ? { sqliteThreadCpuMs: sqlite1 - (sqlite0 ?? 0) } : {}),
      };
    },
  };
}
