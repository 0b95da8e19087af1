/**
 * Fault injection for the Kafka sink: a kafkajs socket factory that opens every broker connection (the bootstrap one
 * and the advertised ones kafkajs dials after metadata) itself, so a test or a fault drill can stop the broker
 * (refuse new connections, cut open ones) or stall it (hold every request unsent) without touching the broker. A TCP
 * proxy cannot do this: it only sits in front of the bootstrap address, and the advertised listener bypasses it.
 * Passed with `createKafkaSink(init, { socketFactory })`; never reachable from a sink URI.
 */
import { Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs' socket factory: called once per broker connection with the broker's host and port. */
export type KafkaSocketFactory = ISocketFactory;

type WriteCallback = (error?: Error | null) => void;

/** One write kafkajs issued while held, parked until release() (or dropped with its connection). */
interface HeldWrite {
  readonly socket: FaultSocket;
  readonly send: () => void;
}

function socketError(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * A plain TCP socket whose writes the injector can park: kafkajs writes each request with socket.write(), and the
 * stream hands one chunk (or one writev batch) at a time to _write/_writev, so parking it holds that request and
 * everything written after it, in order.
 */
class FaultSocket extends Socket {
  readonly #park: (write: HeldWrite) => void;

  constructor(park: (write: HeldWrite) => void) {
    super();
    this.#park = park;
  }

  override _write(chunk: unknown, encoding: BufferEncoding, callback: WriteCallback): void {
    this.#park({ socket: this, send: () => super._write(chunk, encoding, callback) });
  }

  override _writev(chunks: { chunk: unknown; encoding: BufferEncoding }[], callback: WriteCallback): void {
    this.#park({ socket: this, send: () => super._writev?.(chunks, callback) });
  }
}

export class KafkaFaultInjector {
  /** Pass to `createKafkaSink(init, { socketFactory })`: every connection the sink's client opens comes through here. */
  readonly socketFactory: KafkaSocketFactory;
  /** Connections kafkajs asked for so far, refused ones included. */
  connectionsRequested = 0;
  /** `host:port` of each connection kafkajs asked for, in order: the bootstrap brokers, then advertised listeners. */
  readonly connectionTargets: string[] = [];
  /** Connections refused while the broker was stopped. */
  connectionsRefused = 0;
  /** Writes (requests) parked while held, in total. */
  heldWrites = 0;
  readonly #open = new Set<FaultSocket>();
  #held: HeldWrite[] = [];
  #refusing = false;
  #holding = false;
  #waiters: (() => void)[] = [];

  constructor() {
    this.socketFactory = ({ host, port, ssl, onConnect }) => this.#connect(host, port, Boolean(ssl), onConnect);
  }

  /** Connections currently open (connected or connecting). */
  get openConnections(): number {
    return this.#open.size;
  }

  /** The broker "stops": new connections are refused (ECONNREFUSED) and every open one is cut (ECONNRESET). */
  stopBroker(): void {
    this.#refusing = true;
    this.cutConnections();
  }

  /** The broker is back: new connections reach it again (held writes stay held until release()). */
  startBroker(): void {
    this.#refusing = false;
  }

  /** Destroys every open connection as a broker crash would (ECONNRESET); writes held on them are dropped. */
  cutConnections(): void {
    for (const socket of [...this.#open]) {
      socket.destroy(socketError(`read ECONNRESET (connection to ${socket.remoteAddress ?? 'the broker'} cut by the fault injector)`, 'ECONNRESET'));
    }
    this.#open.clear();
    this.#held = this.#held.filter((write) => !write.socket.destroyed);
  }

  /** The broker stalls: from now on no request is sent, on open and new connections, until release(). */
  hold(): void {
    this.#holding = true;
  }

  /** Sends every held request, in order, and stops holding. */
  release(): void {
    this.#holding = false;
    const held = this.#held;
    this.#held = [];
    for (const write of held) if (!write.socket.destroyed) write.send();
  }

  /** Resolves once at least `count` writes have been held in total: a request is in flight and hanging. */
  async heldWrite(count = 1): Promise<void> {
    while (this.heldWrites < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Each write of a FaultSocket: sent now, or parked while holding. */
  #park(write: HeldWrite): void {
    if (!this.#holding) {
      write.send();
      return;
    }
    this.#held.push(write);
    this.heldWrites++;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #connect(host: string, port: number, tls: boolean, onConnect: () => void): Socket {
    this.connectionsRequested++;
    this.connectionTargets.push(`${host}:${port}`);
    const socket = new FaultSocket((write) => this.#park(write));
    if (tls) {
      // Injected faults are for plaintext listeners; say so instead of silently sending TLS-less bytes.
      process.nextTick(() => socket.destroy(new Error(`kafka fault injector: TLS connections to ${host}:${port} are not supported`)));
      return socket;
    }
    if (this.#refusing) {
      this.connectionsRefused++;
      // Asynchronous, as a real refusal: kafkajs attaches its error listener after the factory returns.
      process.nextTick(() => socket.destroy(socketError(`connect ECONNREFUSED ${host}:${port} (broker stopped by the fault injector)`, 'ECONNREFUSED')));
      return socket;
    }
    this.#open.add(socket);
    socket.once('close', () => this.#open.delete(socket));
    socket.setKeepAlive(true, 60_000);
    socket.connect({ host, port }, onConnect);
    return socket;
  }
}
