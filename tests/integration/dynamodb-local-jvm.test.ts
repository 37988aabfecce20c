import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DYNAMODB_LOCAL_JVM_OPTIONS,
  type DynamoDbLocal,
  dynamoDbLocalJavaOptions,
  startDynamoDbLocal,
  stopAllDynamoDbLocal,
} from '#local/dynamodb-local.ts';
import { isRunning } from '#local/process-info.ts';

describe('dynamoDbLocalJavaOptions', () => {
  it('is the serial collector with a 512 MB young generation when the caller set nothing', () => {
    expect(dynamoDbLocalJavaOptions(undefined)).toBe('-XX:+UseSerialGC -Xmn512m');
    expect(dynamoDbLocalJavaOptions('  ')).toBe('-XX:+UseSerialGC -Xmn512m');
  });

  it("puts the caller's options after its own, so the caller's win", () => {
    expect(dynamoDbLocalJavaOptions('-Xmx2g -Xmn128m')).toBe('-XX:+UseSerialGC -Xmn512m -Xmx2g -Xmn128m');
  });

  it("adds no collector when the caller's options choose one (two would stop the JVM)", () => {
    expect(dynamoDbLocalJavaOptions('-XX:+UseG1GC -Xmx2g')).toBe('-XX:+UseG1GC -Xmx2g');
    expect(dynamoDbLocalJavaOptions('-XX:+UseParallelGC')).toBe('-XX:+UseParallelGC');
  });
});

describe('startDynamoDbLocal', () => {
  let db: DynamoDbLocal;
  const before = process.env.JDK_JAVA_OPTIONS;

  beforeAll(async () => {
    delete process.env.JDK_JAVA_OPTIONS;
    db = await startDynamoDbLocal();
  }, 90_000);

  afterAll(async () => {
    await db?.stop();
    if (before === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = before;
  });

  it("starts the JVM with the serial collector, and leaves this process's environment as it was", () => {
    const environ = readFileSync(`/proc/${db.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`JDK_JAVA_OPTIONS=${DYNAMODB_LOCAL_JVM_OPTIONS}`);
    expect(process.env.JDK_JAVA_OPTIONS).toBeUndefined();
  });

  // jcmd comes with a JDK (beside its java), not with a JRE alone: without it this check is skipped.
  const jcmd = (): string => join(dirname(readlinkSync(`/proc/${db.pid}/exe`)), 'jcmd');
  it('runs with it: the JVM reports the serial collector among its flags', (ctx) => {
    if (!existsSync(jcmd())) ctx.skip('no jcmd beside this java (a JRE without the JDK tools)');
    // The flag the running JVM took, not only what it was offered.
    const flags = execFileSync(jcmd(), [String(db.pid), 'VM.flags'], { encoding: 'utf8' });
    expect(flags).toContain('-XX:+UseSerialGC');
    expect(flags).not.toContain('-XX:+UseG1GC');
    expect(flags).toContain(`-XX:NewSize=${512 * 1024 * 1024}`);
  });
});

describe('startDynamoDbLocal: DynamoDB Local ends with the process that started it', () => {
  /** Resolves once the process has ended; DynamoDB Local's JVM takes a moment to stop after SIGTERM. */
  const ended = async (pid: number): Promise<boolean> => {
    const deadline = Date.now() + 30_000;
    while (isRunning(pid)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  };

  for (const how of ['throw', 'exit'] as const) {
    it(`stops DynamoDB Local when its process ends by ${how === 'throw' ? 'an uncaught error' : 'process.exit'}`, {
      timeout: 120_000,
    }, async () => {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'dynamodb-local-then-crash.ts'), how],
        { encoding: 'utf8', timeout: 90_000 },
      );
      expect(child.status, child.stderr).toBe(how === 'throw' ? 1 : 3);
      const { pid } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { pid: number };
      expect(pid).toBeGreaterThan(0);
      const gone = await ended(pid);
      if (!gone) process.kill(pid, 'SIGKILL');
      expect(gone).toBe(true);
    });
  }
});

describe('stopAllDynamoDbLocal', () => {
  it('stops every DynamoDB Local this process started and resolves once their JVMs have exited', async () => {
    // Prepare
    const dbs = await Promise.all([startDynamoDbLocal(), startDynamoDbLocal()]);
    let exits = 0;
    for (const db of dbs) void db.exited.then(() => exits++);

    // Act
    await stopAllDynamoDbLocal();

    // Assess: both had exited by the time it resolved, and a second call has nothing to stop
    expect(exits).toBe(2);
    for (const db of dbs) expect(existsSync(`/proc/${db.pid}`)).toBe(false);
    await stopAllDynamoDbLocal();
  }, 90_000);
});
