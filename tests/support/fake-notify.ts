/**
 * A stand-in for GOV.UK Notify's letter API on a local port, so the official notifications-node-client
 * runs unchanged and only the network edge is stood in for: it checks the API key's JWT as Notify does,
 * keeps each request, and answers from a queue (201 with a new notification id when the queue is empty).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for GOV.UK Notify's API: checks the bearer JWT and the body as Notify would. */
export class FakeNotify {
  readonly serviceId = randomUUID();
  readonly secret = randomUUID();
  readonly apiKey = `attend_live-${this.serviceId}-${this.secret}`;
  /** Every letter request, in order, with the notification id when it was accepted (201). */
  readonly received: { reference: string; content: Buffer; postage?: string; id?: string }[] = [];
  /** What to answer each request with, in turn; 201 with a new id when the list runs out. */
  readonly answers: { status: number; body?: unknown }[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v2/notifications/letter') {
      return reply(404, { errors: [{ error: 'NotFound', message: `${req.method} ${req.url}` }] });
    }
    if (!this.validToken(req.headers.authorization)) {
      return reply(403, { errors: [{ error: 'AuthError', message: 'Invalid token' }] });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      reference: string;
      content: string;
      postage?: string;
    };
    const answer = this.answers.shift() ?? {
      status: 201,
      body: { id: randomUUID(), reference: body.reference, postage: body.postage },
    };
    const id = answer.status === 201 ? (answer.body as { id?: string }).id : undefined;
    this.received.push({
      reference: body.reference,
      content: Buffer.from(body.content, 'base64'),
      postage: body.postage,
      ...(id !== undefined && { id }),
    });
    reply(answer.status, answer.body);
  }

  /** Notify's API key JWT: HS256 over the header and {iss: service id, iat}, keyed with the secret. */
  private validToken(header: string | undefined): boolean {
    const token = header?.replace(/^Bearer /, '') ?? '';
    const [head, payload, signature] = token.split('.');
    if (!head || !payload || !signature) return false;
    const expected = createHmac('sha256', this.secret).update(`${head}.${payload}`).digest('base64url');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: string;
      iat?: number;
    };
    const alg = (JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: string }).alg;
    return (
      alg === 'HS256' &&
      signature === expected &&
      claims.iss === this.serviceId &&
      Math.abs(Date.now() / 1000 - (claims.iat ?? 0)) < 30
    );
  }
}
