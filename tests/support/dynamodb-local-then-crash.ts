/**
 * A process that starts DynamoDB Local, prints its Java process's id as one JSON line, then ends in the
 * way its first argument names: `throw` (an uncaught error) or `exit` (process.exit(3)), without
 * stopping DynamoDB Local. For tests/integration/dynamodb-local-jvm.test.ts.
 */
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';

const how = process.argv[2];
const db = await startDynamoDbLocal();
process.stdout.write(`${JSON.stringify({ pid: db.pid })}\n`);
if (how === 'exit') process.exit(3);
throw new Error('this process ends here, with DynamoDB Local still running');
