/**
 * What the month's loop asked of DynamoDB Local: every HTTP request to it, counted by operation (the
 * `X-Amz-Target` header, e.g. `DynamoDB_20120810.GetItem`, `DynamoDBStreams_20120810.GetRecords`)
 * through Node's `http.client.request.start` diagnostics channel, so no client or handler is touched;
 * and the CPU both processes used (this one from `process.cpuUsage`, DynamoDB Local's from
 * `/proc/<pid>/stat` on Linux; elsewhere that figure is left out).
 */
import diagnostics from 'node:diagnostics_channel';
import { existsSync, readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';

export interface LoadReading {
  /** Requests to DynamoDB Local by operation (GetItem, Query, GetRecords…). */
  calls: Record<string, number>;
  /** Milliseconds of CPU, user and system. */
  nodeCpuMs: number;
  /** Milliseconds of DynamoDB Local's CPU (all its threads); undefined where /proc is not readable. */
  dynamoDbLocalCpuMs?: number;
}

/** Milliseconds of user+system CPU of a process, from /proc (clock ticks of 10 ms); undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const nodeCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Starts counting requests to `endpoint` (http://host:port); `stop()` ends it and gives the reading. */
export function meterLoad(endpoint: string, dynamoDbLocalPid: number | undefined): { stop(): LoadReading } {
  const host = new URL(endpoint).host;
  const calls: Record<string, number> = {};
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const target = request.getHeader('x-amz-target');
    // Only DynamoDB Local's: the SDK signs the Host header, so every request to it carries it.
    if (typeof target !== 'string' || request.getHeader('host') !== host) return;
    const operation = target.slice(target.indexOf('.') + 1);
    calls[operation] = (calls[operation] ?? 0) + 1;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  const node0 = nodeCpuMs();
  const java0 = processCpuMs(dynamoDbLocalPid);
  return {
    stop() {
      diagnostics.unsubscribe('http.client.request.start', onStart);
      const java1 = processCpuMs(dynamoDbLocalPid);
      return {
        calls,
        nodeCpuMs: nodeCpuMs() - node0,
        ...(java0 !== undefined && java1 !== undefined ? { dynamoDbLocalCpuMs: java1 - java0 } : {}),
      };
    },
  };
}
