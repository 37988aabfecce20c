import { describe, expect, it } from 'vitest';
import { ConflictError } from '#core/errors.ts';
import { APPLY_ATTEMPTS, withConflictRetry } from '#services/import-apply.ts';

describe('withConflictRetry: the apply stage’s one bounded retry', () => {
  it('tries a record that keeps conflicting APPLY_ATTEMPTS times, then throws the last conflict', async () => {
    // Prepare
    const attempts: number[] = [];
    const alwaysConflicts = async (n: number): Promise<string> => {
      attempts.push(n);
      throw new ConflictError(`conflict ${n}`, 'TRANSACTION_CONFLICT');
    };

    // Act
    const result = withConflictRetry(alwaysConflicts);

    // Assess
    await expect(result).rejects.toThrow('conflict 4');
    expect(APPLY_ATTEMPTS).toBe(4);
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('answers as soon as a try succeeds', async () => {
    // Prepare
    let tries = 0;

    // Act
    const result = await withConflictRetry(async () => {
      tries++;
      if (tries < 3) throw Object.assign(new Error('cancelled'), { name: 'ConditionalCheckFailedException' });
      return 'done';
    });

    // Assess
    expect(result).toBe('done');
    expect(tries).toBe(3);
  });

  it('does not try again after an error that is not a conflict', async () => {
    // Prepare
    let tries = 0;

    // Act
    const result = withConflictRetry(async () => {
      tries++;
      throw new Error('DynamoDB is unreachable');
    });

    // Assess
    await expect(result).rejects.toThrow('DynamoDB is unreachable');
    expect(tries).toBe(1);
  });
});
