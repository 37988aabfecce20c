/**
 * Upgrading a table that lacks indexes: CloudFormation adds one global secondary index per update, so
 * the CDK context `withoutIndexes` leaves named ones out of a deploy (lib/constructs/tables.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { createTables, DeployContextError, indexesToDeploy } from '#lib/constructs/tables.ts';
import { TABLE } from '#store/table.ts';

/** The index names of the main table as synthesised with `context`. */
function indexNames(context: Record<string, unknown>): string[] {
  const stack = new Stack(new App({ context }), 'Tables');
  createTables(stack, 'example', new kms.Key(stack, 'Key'));
  const [table] = Object.values(
    Template.fromStack(stack).findResources('AWS::DynamoDB::Table', {
      Properties: { TableName: 'attend-example' },
    }),
  );
  const gsis = (table?.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
  return gsis.map((g) => g.IndexName);
}

describe('withoutIndexes', () => {
  it('deploys every index when not given', () => {
    expect(indexNames({})).toEqual(TABLE.indexes.map((i) => i.name));
  });

  it('leaves out the named indexes, and only those (the first of two upgrade deploys)', () => {
    const all = TABLE.indexes.map((i) => i.name);
    expect(indexNames({ withoutIndexes: 'lookup' })).toEqual(all.filter((n) => n !== 'lookup'));
    expect(indexNames({ withoutIndexes: 'byClient, lookup' })).toEqual(
      all.filter((n) => n !== 'lookup' && n !== 'byClient'),
    );
  });

  it('refuses a name that is not an index, listing the ones that are', () => {
    expect(() => indexesToDeploy('lookups')).toThrow(DeployContextError);
    expect(() => indexesToDeploy('lookups')).toThrow(/withoutIndexes names lookups.*byPhone.*lookup/);
  });
});
