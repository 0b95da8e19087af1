/**
 * The fault injector's socket factory against a local TCP server (no broker): it forwards, refuses while the broker is
 * stopped, cuts open connections, and holds writes until released (or drops them with a cut connection).
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaFaultInjector } from './kafka-fault-injector.js';

interface Upstream {
  readonly server: Server;
  readonly port: number;
  /** Server-side connections, in accept order, with everything each one received. */
  readonly accepted: { socket: Socket; received: string[] }[];
  /** The `index`-th accepted connection, once accepted. */
  connection(index: number): Promise<{ socket: Socket; received: string[] }>;
}

const servers: Server[] = [];

const serverSockets: Socket[] = [];

afterEach(async () => {
  for (const socket of serverSockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function upstream(): Promise<Upstream> {
  const accepted: Upstream['accepted'] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((socket) => {
    const entry = { socket, received: [] as string[] };
    serverSockets.push(socket);
    socket.on('data', (chunk: Buffer) => entry.received.push(chunk.toString('utf8')));
    socket.on('error', () => socket.destroy());
    accepted.push(entry);
    for (const wake of waiters.splice(0)) wake();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    accepted,
    async connection(index) {
      while (accepted.length <= index) await new Promise<void>((resolve) => waiters.push(resolve));
      const entry = accepted[index];
      if (!entry) throw new Error('no connection accepted');
      return entry;
    },
  };
}

function open(injector: KafkaFaultInjector, port: number): { socket: Socket; connected: Promise<void> } {
  let connected!: () => void;
  const promise = new Promise<void>((resolve) => (connected = resolve));
  const socket = injector.socketFactory({ host: '127.0.0.1', port, ssl: undefined as never, onConnect: () => connected() });
  return { socket, connected: promise };
}

async function errorOf(socket: Socket): Promise<NodeJS.ErrnoException> {
  const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
  return error;
}

describe('KafkaFaultInjector', () => {
  it('forwards to the broker it is asked for and calls onConnect', async () => {
    const server = await upstream();
    const injector = new KafkaFaultInjector();
    const client = open(injector, server.port);
    await client.connected;
    const connection = await server.connection(0);
    client.socket.write('ping');
    await once(connection.socket, 'data');
    expect(connection.received.join('')).toBe('ping');
    expect([injector.connectionsRequested, injector.openConnections]).toEqual([1, 1]);
    client.socket.destroy();
  });

  it('stopped broker: open connections are cut (ECONNRESET), new ones refused (ECONNREFUSED naming the broker), until started', async () => {
    const server = await upstream();
    const injector = new KafkaFaultInjector();
    const before = open(injector, server.port);
    await before.connected;
    const cut = errorOf(before.socket);
    injector.stopBroker();
    expect((await cut).code).toBe('ECONNRESET');
    expect(injector.openConnections).toBe(0);

    const refused = await errorOf(open(injector, server.port).socket);
    expect(refused.code).toBe('ECONNREFUSED');
    expect(refused.message).toContain(`127.0.0.1:${server.port}`);
    expect(injector.connectionsRefused).toBe(1);
    expect(server.accepted).toHaveLength(1);

    injector.startBroker();
    const after = open(injector, server.port);
    await after.connected;
    expect(server.accepted.length + injector.connectionsRefused).toBe(3);
    after.socket.destroy();
  });

  it('held: nothing reaches the broker until release, then everything in order', async () => {
    const server = await upstream();
    const injector = new KafkaFaultInjector();
    const client = open(injector, server.port);
    await client.connected;
    const connection = await server.connection(0);
    injector.hold();
    client.socket.write('first ');
    client.socket.write('second');
    await injector.heldWrite(1);
    // A round trip the other way proves the link is alive while the held bytes stay parked.
    connection.socket.write('pong');
    await once(client.socket, 'data');
    expect(connection.received).toEqual([]);
    injector.release();
    while (connection.received.join('') !== 'first second') await once(connection.socket, 'data');
    expect(connection.received.join('')).toBe('first second');
    client.socket.destroy();
  });

  it('a cut connection drops its held writes: they never reach the broker after release', async () => {
    const server = await upstream();
    const injector = new KafkaFaultInjector();
    const client = open(injector, server.port);
    client.socket.on('error', () => undefined);
    await client.connected;
    const connection = await server.connection(0);
    injector.hold();
    client.socket.write('produce');
    await injector.heldWrite(1);
    const closed = once(connection.socket, 'close');
    injector.cutConnections();
    injector.release();
    await closed;
    expect(connection.received).toEqual([]);
  });
});
