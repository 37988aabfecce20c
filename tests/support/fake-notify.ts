/**
 * A stand-in for GOV.UK Notify's letter API on a local port, so the official notifications-node-client
 * runs unchanged and only the network edge is stood in for: it checks the API key's JWT as Notify does,
 * keeps each request, and answers from a queue (201 with a new notification id when the queue is empty).
 * It also lists the letters it took by reference (`GET /v2/notifications?reference=…&template_type=letter`),
 * as Notify does, newest first, with answers of its own queue, and can hold lookups until several have
 * arrived, so two runs asking at once really ask at once.
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
  /**
   * What to answer each request with, in turn; 201 with a new id when the list runs out. `drop` takes
   * the letter (201) and then drops the connection without answering: an answer lost on the way back.
   */
  readonly answers: ({ status: number; body?: unknown } | { drop: true })[] = [];
  /** Every lookup by reference, in order. */
  readonly lookups: { reference: string | null; templateType: string | null }[] = [];
  /** What to answer each lookup with, in turn, instead of the letters taken (e.g. a 503). */
  readonly lookupAnswers: { status: number; body?: unknown }[] = [];
  /** The status Notify lists a letter it took with. */
  letterStatus = 'accepted';
  private held: { count: number; waiting: (() => void)[] } | undefined;
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

  /** Holds the next `count` lookups until all of them have arrived, then answers them all. */
  holdLookups(count: number): void {
    this.held = { count, waiting: [] };
  }

  private async lookUp(req: IncomingMessage, reply: (status: number, body: unknown) => void): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://notify.invalid').searchParams;
    this.lookups.push({ reference: query.get('reference'), templateType: query.get('template_type') });
    const held = this.held;
    if (held) {
      await new Promise<void>((resolve) => {
        held.waiting.push(resolve);
        if (held.waiting.length >= held.count) {
          this.held = undefined;
          for (const go of held.waiting) go();
        }
      });
    }
    const answer = this.lookupAnswers.shift();
    if (answer) return reply(answer.status, answer.body);
    const notifications = this.received
      .filter((r) => r.id !== undefined && r.reference === query.get('reference'))
      .filter(() => query.get('template_type') === 'letter')
      .reverse()
      .map((r) => ({ id: r.id, reference: r.reference, type: 'letter', status: this.letterStatus }));
    reply(200, { notifications, links: { current: `${this.url}${req.url}` } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url?.startsWith('/v2/notifications?')) {
      if (!this.validToken(req.headers.authorization)) {
        return reply(403, { errors: [{ error: 'AuthError', message: 'Invalid token' }] });
      }
      return this.lookUp(req, reply);
    }
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
    const queued = this.answers.shift();
    const taken = {
      status: 201,
      body: { id: randomUUID(), reference: body.reference, postage: body.postage },
    };
    const answer = queued === undefined || 'drop' in queued ? taken : queued;
    const id = answer.status === 201 ? (answer.body as { id?: string }).id : undefined;
    this.received.push({
      reference: body.reference,
      content: Buffer.from(body.content, 'base64'),
      postage: body.postage,
      ...(id !== undefined && { id }),
    });
    if (queued !== undefined && 'drop' in queued) {
      res.socket?.destroy();
      return;
    }
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
