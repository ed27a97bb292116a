// Browser mode survives any client: every malformed WebSocket frame closes that client, and the
// server (so `haul serve` and the local service it hosts) keeps answering everyone else. The
// frames are written by hand over raw TCP, the way a broken or hostile client would send them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { Core, Handlers } from '../../main/core/bridge/core';
import { MAX_FRAME_BYTES, startBrowserServer, type BrowserServer } from '../../main/core/browser/server';

let tmp: string;
let server: BrowserServer;

// A core whose every channel answers at once: these tests are about the socket, not the handlers.
const core: Pick<Core, 'handlers' | 'events'> = {
  handlers: new Proxy({}, { get: () => async () => ({}) }) as Handlers,
  events: { emit: () => undefined, on: () => () => undefined },
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'haul-frames-'));
  await writeFile(path.join(tmp, 'index.html'), '<!doctype html><title>Haul</title>');
  server = await startBrowserServer({ core, rendererDir: tmp, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The bridge's path: the socket sits in this run's random folder, next to the page. */
const bridgePath = () => `${new URL(server.url).pathname}bridge`;

const headers = () => ({
  origin: `http://127.0.0.1:${server.port}`,
  cookie: `haul-${server.port}=${encodeURIComponent(server.token)}`,
});

/** A raw TCP client past the WebSocket handshake. */
async function rawSocket(): Promise<net.Socket> {
  const socket = net.connect(server.port, '127.0.0.1');
  socket.on('error', () => undefined); // the server may reset us: that is what we are testing
  const h = headers();
  socket.write(
    [
      `GET ${bridgePath()} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Origin: ${h.origin}`,
      `Cookie: ${h.cookie}`,
      '',
      '',
    ].join('\r\n'),
  );
  await new Promise<void>((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (got.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`handshake refused: ${got.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload?: Buffer;
  mask?: boolean;
  declaredLength?: number;
}

/** One frame as RFC 6455 lays it out (client frames are masked unless told otherwise). */
function frame({
  fin = true,
  rsv = 0,
  opcode,
  payload = Buffer.alloc(0),
  mask = true,
  declaredLength,
}: FrameSpec): Buffer {
  const len = declaredLength ?? payload.length;
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const m = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126) head.push(m | len);
  else if (len < 65536) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** Resolves when the server has closed the connection (or after `ms`, with false). */
function closedByServer(socket: net.Socket, ms = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    socket.on('close', () => {
      clearTimeout(t);
      resolve(true);
    });
    socket.resume();
  });
}

/** A well-behaved page still gets its answer: the server is alive and serving. */
async function stillServing(): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${bridgePath()}`, { headers: headers() });
  const answer = await new Promise<unknown>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ id: 7, channel: 'app.info', payload: {} })));
    ws.on('message', (d) => resolve(JSON.parse(String(d))));
    ws.on('error', reject);
  });
  ws.close();
  expect(answer).toMatchObject({ id: 7 });
}

const text = (s: string) => Buffer.from(s, 'utf8');

const MALFORMED: [string, Buffer][] = [
  [
    'a frame over the size limit',
    frame({ opcode: 0x1, declaredLength: MAX_FRAME_BYTES + 1, payload: text('{"id":1') }),
  ],
  [
    'a frame declaring 2^63-1 bytes',
    Buffer.concat([Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), randomBytes(4)]),
  ],
  ['a reserved data opcode (0x3)', frame({ opcode: 0x3, payload: text('x') })],
  ['a reserved control opcode (0xB)', frame({ opcode: 0xb })],
  ['the RSV1 bit without a negotiated extension', frame({ rsv: 0b100, opcode: 0x1, payload: text('{}') })],
  ['the RSV2 and RSV3 bits', frame({ rsv: 0b011, opcode: 0x2, payload: text('{}') })],
  ['invalid UTF-8 in a text frame', frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })],
  ['a truncated UTF-8 sequence', frame({ opcode: 0x1, payload: Buffer.from([0xe2, 0x82]) })],
  [
    'an unmasked client frame',
    frame({ opcode: 0x1, payload: text('{"id":1,"channel":"app.info","payload":{}}'), mask: false }),
  ],
  ['a fragmented control frame', frame({ fin: false, opcode: 0x9, payload: text('ping') })],
  ['a control frame over 125 bytes', frame({ opcode: 0x9, payload: Buffer.alloc(126, 1) })],
  ['a continuation with nothing to continue', frame({ opcode: 0x0, payload: text('tail') })],
  [
    'a new message inside a fragmented one',
    Buffer.concat([
      frame({ fin: false, opcode: 0x1, payload: text('{"id"') }),
      frame({ opcode: 0x1, payload: text('{}') }),
    ]),
  ],
  ['a close frame with a reserved code', frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) })],
  ['a close frame with a one-byte body', frame({ opcode: 0x8, payload: Buffer.from([0x03]) })],
  [
    'a fragmented message that grows past the limit',
    Buffer.concat([
      frame({ fin: false, opcode: 0x2, payload: Buffer.alloc(MAX_FRAME_BYTES - 10) }),
      frame({ opcode: 0x0, payload: Buffer.alloc(100) }),
    ]),
  ],
];

describe('browser mode survives any client', () => {
  it.each(MALFORMED)('closes a client that sends %s, and keeps serving the others', async (_what, bytes) => {
    const socket = await rawSocket();
    socket.write(bytes);
    expect(await closedByServer(socket)).toBe(true);
    await stillServing();
  });

  it('keeps serving when clients reset mid-handshake or mid-frame', async () => {
    const half = net.connect(server.port, '127.0.0.1');
    half.on('error', () => undefined);
    half.write(`GET ${bridgePath()} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n`);
    half.resetAndDestroy();
    const socket = await rawSocket();
    socket.write(frame({ opcode: 0x1, declaredLength: 1000, payload: text('{"id":') }));
    socket.resetAndDestroy();
    await stillServing();
  });

  it('keeps serving after random bytes on the socket (seeded fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), async (bytes, asFrame) => {
        const socket = await rawSocket();
        // Random bytes, or a random payload in a frame with random header bits.
        const b0 = bytes[0] ?? 0;
        socket.write(
          asFrame
            ? frame({
                fin: (b0 & 0x80) !== 0,
                rsv: (b0 >> 4) & 0x7,
                opcode: b0 & 0xf,
                payload: Buffer.from(bytes.subarray(1)),
                mask: (b0 & 1) === 0,
              })
            : Buffer.from(bytes),
        );
        await new Promise((r) => setTimeout(r, 5));
        socket.destroy();
        await stillServing();
      }),
      { seed: 20261201, numRuns: 60 },
    );
  });
});
