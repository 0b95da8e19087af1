/**
 * A TCP proxy the sink scenarios control: forward to a real server (InfluxDB, Kafka), refuse connections (the port
 * closed, as when the server is down), kill every open connection (a crash), and delay every chunk (a slow server).
 * The port stays the same across down/up, so the sink reconnects to the address it was configured with.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpFaultProxy {
  readonly #upstreamHost: string;
  readonly #upstreamPort: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;
  /** Delay added before each forwarded chunk, both directions. */
  latencyMs = 0;

  constructor(upstreamHost: string, upstreamPort: number) {
    this.#upstreamHost = upstreamHost;
    this.#upstreamPort = upstreamPort;
  }

  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Reserves a free port and leaves it closed: the server is "down at start". */
  async reserveDown(): Promise<void> {
    await this.up();
    await this.down();
  }

  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => this.#pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the port and kills every connection: connection refused from now on. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.killConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  killConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  #pipe(client: Socket): void {
    const upstream = connect(this.#upstreamPort, this.#upstreamHost);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (this.latencyMs <= 0) to.write(chunk);
        else {
          from.pause();
          setTimeout(() => {
            to.write(chunk);
            from.resume();
          }, this.latencyMs);
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.#sockets.delete(from);
        to.destroy();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
  }
}
