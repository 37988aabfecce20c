/** A DynamoDB Streams record, as the Streams API returns it, turned into the record Lambda delivers. */
import type { _Record, AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';
import { LOCAL_AWS } from './dynamodb-local.ts';

/**
 * The record as Lambda delivers it: JSON attribute values (binary as base64), the creation time in
 * epoch seconds, and the region the function runs in. The ARN is the stream's own, as DynamoDB Local
 * names it.
 */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {
    ...(d.ApproximateCreationDateTime && {
      ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000),
    }),
    Keys: toJsonImage(d.Keys ?? {}),
    ...(d.NewImage && { NewImage: toJsonImage(d.NewImage) }),
    ...(d.OldImage && { OldImage: toJsonImage(d.OldImage) }),
    SequenceNumber: d.SequenceNumber,
    SizeBytes: d.SizeBytes,
    StreamViewType: d.StreamViewType,
  };
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_AWS.region,
    dynamodb,
    eventSourceARN: streamArn,
    // Present on deletes made by TTL: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }.
    ...(record.userIdentity && {
      userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId },
    }),
  };
}

function toJsonImage(image: Record<string, StreamsAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toJsonValue(v)]));
}

function toJsonValue(value: StreamsAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toJsonValue) };
  if (value.M !== undefined) return { M: toJsonImage(value.M) };
  // S, N, SS, NS, BOOL and NULL are JSON already.
  return value as AttributeValue;
}
