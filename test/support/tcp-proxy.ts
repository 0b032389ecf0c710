import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a shared service, so that a test can take that service
 * away from its own API process without touching the service itself:
 * - `cut()`: the port is closed and every connection dropped (a crashed or stopped server);
 * - `blackhole()`: connections stay open and new ones are accepted, but nothing is answered
 *   (a hung server, a dead network path);
 * - `restore()`: forwarding again on the same port.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'forward' | 'blackhole' | 'closed' = 'closed';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  async cut(): Promise<void> {
    this.mode = 'closed';
    const closed = new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = undefined;
    this.dropAll();
    await closed;
  }

  blackhole(): void {
    this.mode = 'blackhole';
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  async restore(): Promise<void> {
    // Silenced connections stay broken (their peers are mid-request): drop them, clients reconnect.
    this.dropAll();
    if (this.server) this.mode = 'forward';
    else await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    server.on('error', () => undefined);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        this.mode = 'forward';
        resolve();
      });
    });
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode !== 'forward') return; // accepted, never answered
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
