/**
 * Keeps a dead kubelet's port taken while nothing listens on it. A closed port must refuse connections, as a real
 * dead kubelet's does, but once closed the OS hands it to the next process on this host that listens on port 0: with
 * other simulators running (a 5 000-kubelet bench), the "dead" node soon answered with another kubelet's data. An
 * idle loopback connection whose local end is bound to the port keeps it out of the OS's picks (listen(0) and
 * outgoing connections skip a bound port) while connecting to it is still refused, since nothing listens.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class PortReservation {
  readonly #anchor: Server;
  readonly #sockets: Socket[];

  private constructor(anchor: Server, sockets: Socket[]) {
    this.#anchor = anchor;
    this.#sockets = sockets;
  }

  /**
   * Takes `port` on `host` (a wildcard host reserves it on loopback, which conflicts with any later bind of the
   * port). Rejects, naming the port, when another socket took it first.
   */
  static async hold(host: string, port: number): Promise<PortReservation> {
    const address = reservationAddress(host);
    const sockets: Socket[] = [];
    const anchor = createServer((socket) => {
      socket.on('error', () => socket.destroy()); // released together with the holder below
      sockets.push(socket);
    });
    await new Promise<void>((resolve, reject) => {
      anchor.once('error', reject);
      anchor.listen(0, address, () => {
        anchor.off('error', reject);
        resolve();
      });
    });
    const anchorPort = (anchor.address() as { port: number }).port;
    try {
      const holder = await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: address, port: anchorPort, localAddress: address, localPort: port }, () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
      holder.on('error', () => holder.destroy());
      sockets.push(holder);
    } catch (error) {
      anchor.close();
      throw new Error(`kubelet-sim: cannot keep port ${address}:${port} reserved: ${(error as Error).message}`, { cause: error });
    }
    return new PortReservation(anchor, sockets);
  }

  /** Frees the port (after the kubelet listens on it again, or when the simulator stops). */
  release(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise<void>((resolve) => this.#anchor.close(() => resolve()));
  }
}

function reservationAddress(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  return host === '::' ? '::1' : host;
}
