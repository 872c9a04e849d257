import { connect, type Socket } from 'node:net';

/**
 * The scraper's HTTP/1.1 client: GET /metrics over kept-alive connections,
 * the body read into a reused buffer.
 *
 * Why not node:http or fetch: both hand every socket read over in a fresh
 * buffer. A thousand proxies write about 400 MB every 10 s, and that much
 * fresh external memory makes V8 run a full mark of the heap (the store's
 * hundreds of megabytes) several times a round: measured at 1,000 workloads,
 * about a third of a core. Here a socket reads into one shared buffer
 * (net's `onread`), and a body is copied once, into a buffer kept for the
 * next scrape. The protocol part is small: a status line, headers, and a
 * body framed by Content-Length, chunked encoding or the connection's end.
 */

export class ScrapeHttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** Every socket's reads land here, and are copied out at once (reads are synchronous). */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** Body buffers kept for reuse: as many as scrapes run at once. */
const MAX_SPARE = 32;

interface Exchange {
  /** Called with each read's bytes (a view of the shared buffer, valid only during the call). */
  onData(bytes: Buffer): void;
  onEnd(): void;
  onError(err: Error): void;
}

interface Connection {
  socket: Socket;
  /** The request in flight on it, if any. */
  exchange: Exchange | undefined;
  /** Responses completed on it (a reused connection may have been closed by the proxy meanwhile). */
  served: number;
}

type Framing =
  | { kind: 'length'; remaining: number }
  | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailer'; remaining: number }
  | { kind: 'close' };

/** A response being read: headers first, then the body into `body`. */
class ResponseReader {
  private head = EMPTY;
  status = 0;
  keepAlive = true;
  private framing: Framing | undefined;
  /** Bytes of a chunk-size or trailer line split across reads. */
  private line = '';
  length = 0;
  done = false;

  constructor(
    public body: Buffer,
    private readonly max: number,
  ) {}

  /** Takes a read's bytes; throws on a malformed or oversized response. */
  feed(bytes: Buffer): void {
    let data = bytes;
    if (!this.framing) {
      // Usually the whole head is in the first read: parsed in place, with no copy of the read.
      const head = this.head.length === 0 ? data : Buffer.concat([this.head, data]);
      const end = head.indexOf(CRLF_CRLF);
      if (end < 0) {
        if (head.length > 64 * 1024) throw new Error('response headers over 64 KiB');
        // The read's buffer is reused: keep a copy of the partial head.
        this.head = Buffer.from(head);
        return;
      }
      this.parseHead(head.toString('latin1', 0, end));
      data = head.subarray(end + 4);
      this.head = EMPTY;
      if (this.status === 100) {
        // An interim response: the real one follows.
        this.framing = undefined;
        this.feed(data);
        return;
      }
    }
    this.take(data);
  }

  /** The connection ended: complete only when the body runs to the end. */
  end(): void {
    if (this.framing?.kind === 'close') this.done = true;
    if (!this.done) throw new Error('connection closed before the response was complete');
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!status) throw new Error(`not an HTTP/1.x response: ${JSON.stringify(lines[0])}`);
    this.status = Number(status[2]);
    this.keepAlive = status[1] === '1';
    let length: number | undefined;
    let chunked = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.split(',').pop()?.trim() === 'chunked';
      else if (name === 'connection')
        this.keepAlive = value.includes('close')
          ? false
          : value.includes('keep-alive') || this.keepAlive;
      else if (name === 'content-encoding' && value !== 'identity')
        throw new Error(`unexpected Content-Encoding ${value}`);
    }
    if (chunked) this.framing = { kind: 'chunked', state: 'size', remaining: 0 };
    else if (length !== undefined) {
      if (!Number.isSafeInteger(length) || length < 0)
        throw new Error('invalid Content-Length in the response');
      if (length > this.max)
        throw new Error(`scrape body of ${length} bytes exceeds the ${this.max}-byte limit`);
      this.framing = { kind: 'length', remaining: length };
    } else {
      this.framing = { kind: 'close' };
      this.keepAlive = false;
    }
    if (this.framing.kind === 'length' && this.framing.remaining === 0) this.done = true;
  }

  private append(data: Buffer, from: number, to: number): void {
    const n = to - from;
    if (this.length + n > this.max)
      throw new Error(`scrape body exceeds the ${this.max}-byte limit`);
    if (this.length + n > this.body.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(this.max, Math.max(this.body.length * 2, this.length + n)),
      );
      this.body.copy(grown, 0, 0, this.length);
      this.body = grown;
    }
    data.copy(this.body, this.length, from, to);
    this.length += n;
  }

  private take(data: Buffer): void {
    const f = this.framing;
    if (!f || this.done) return;
    if (f.kind === 'close') {
      this.append(data, 0, data.length);
      return;
    }
    if (f.kind === 'length') {
      const n = Math.min(f.remaining, data.length);
      this.append(data, 0, n);
      f.remaining -= n;
      if (f.remaining === 0) this.done = true;
      return;
    }
    let i = 0;
    while (i < data.length && !this.done) {
      if (f.state === 'data') {
        const n = Math.min(f.remaining, data.length - i);
        this.append(data, i, i + n);
        i += n;
        f.remaining -= n;
        if (f.remaining === 0) f.state = 'data-end';
        continue;
      }
      // A line: a chunk's size, the CRLF after its data, or a trailer.
      const nl = data.indexOf(0x0a, i);
      const stop = nl < 0 ? data.length : nl;
      this.line += data.toString('latin1', i, stop);
      if (this.line.length > 4096) throw new Error('malformed chunked encoding');
      i = stop + 1;
      if (nl < 0) break;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (f.state === 'data-end') {
        if (line !== '') throw new Error('malformed chunked encoding');
        f.state = 'size';
      } else if (f.state === 'size') {
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isFinite(size) || size < 0 || !/^[0-9a-f]+/i.test(line))
          throw new Error('malformed chunked encoding');
        if (size === 0) f.state = 'trailer';
        else {
          f.state = 'data';
          f.remaining = size;
        }
      } else if (line === '') this.done = true;
    }
  }
}

/** GETs over one kept-alive connection per address, as Prometheus scrapes. */
export class ScrapeClient {
  private readonly idle = new Map<string, Connection>();
  /** Body buffers of finished scrapes, reused by the next ones. */
  private readonly spare: Buffer[] = [];

  /**
   * The body of `http://<address>/metrics` (the address may carry a path
   * prefix), refusing more than `max` bytes. `use` reads the body before
   * its buffer goes back to the pool; what it returns is returned.
   */
  async get<T>(
    address: string,
    timeoutMs: number,
    max: number,
    use: (body: Buffer) => T,
  ): Promise<T> {
    const url = new URL(`http://${address}/metrics`);
    let reused = this.idle.get(address);
    this.idle.delete(address);
    if (reused && (reused.socket.destroyed || reused.socket.readableEnded)) reused = undefined;
    const buffer = this.spare.pop() ?? Buffer.allocUnsafe(256 * 1024);
    let reader: ResponseReader | undefined;
    try {
      try {
        reader = await this.exchange(
          reused ?? this.open(url, address),
          url,
          timeoutMs,
          buffer,
          max,
          address,
        );
      } catch (err) {
        // The proxy closed a kept-alive connection just as it was reused: ask once more on a new one.
        if (!reused || !(err instanceof ReusedConnectionClosed)) throw err;
        reader = await this.exchange(this.open(url, address), url, timeoutMs, buffer, max, address);
      }
      if (reader.status < 200 || reader.status >= 300) throw new ScrapeHttpError(reader.status);
      return use(reader.body.subarray(0, reader.length));
    } finally {
      const body = reader?.body ?? buffer;
      if (this.spare.length < MAX_SPARE) this.spare.push(body);
    }
  }

  /** Closes idle connections to addresses not in `keep` (proxies gone). */
  retain(keep: Set<string>): void {
    for (const [address, conn] of this.idle)
      if (!keep.has(address)) {
        conn.socket.destroy();
        this.idle.delete(address);
      }
  }

  close(): void {
    for (const conn of this.idle.values()) conn.socket.destroy();
    this.idle.clear();
  }

  private open(url: URL, address: string): Connection {
    const conn: Connection = {
      socket: undefined as unknown as Socket,
      exchange: undefined,
      served: 0,
    };
    conn.socket = connect({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port || 80),
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (n: number, buf: Uint8Array) => {
          conn.exchange?.onData(Buffer.from(buf.buffer, buf.byteOffset, n));
          return true;
        },
      },
    });
    conn.socket.on('end', () => conn.exchange?.onEnd());
    conn.socket.on('close', () => {
      if (this.idle.get(address) === conn) this.idle.delete(address);
      conn.exchange?.onError(new Error('connection closed'));
    });
    conn.socket.on('error', (err) => conn.exchange?.onError(err));
    return conn;
  }

  private exchange(
    conn: Connection,
    url: URL,
    timeoutMs: number,
    buffer: Buffer,
    max: number,
    address: string,
  ): Promise<ResponseReader> {
    const reader = new ResponseReader(buffer, max);
    const reusing = conn.served > 0;
    return new Promise<ResponseReader>((resolve, reject) => {
      let received = false;
      const timer = setTimeout(
        () => fail(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = () => {
        clearTimeout(timer);
        conn.exchange = undefined;
        conn.served++;
        if (reader.keepAlive && !conn.socket.destroyed && !conn.socket.readableEnded) {
          const old = this.idle.get(address);
          if (old && old !== conn) old.socket.destroy();
          this.idle.set(address, conn);
        } else conn.socket.destroy();
        resolve(reader);
      };
      const fail = (err: Error) => {
        clearTimeout(timer);
        conn.exchange = undefined;
        conn.socket.destroy();
        reject(reusing && !received ? new ReusedConnectionClosed(err) : err);
      };
      conn.exchange = {
        onData: (bytes) => {
          received = true;
          try {
            reader.feed(bytes);
          } catch (err) {
            fail(err as Error);
            return;
          }
          if (reader.done) finish();
        },
        onEnd: () => {
          try {
            reader.end();
          } catch (err) {
            fail(err as Error);
            return;
          }
          finish();
        },
        onError: fail,
      };
      conn.socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/plain;version=0.0.4\r\nUser-Agent: meshviz\r\n\r\n`,
      );
    });
  }
}

/** A reused connection failed before any byte of the answer came. */
class ReusedConnectionClosed extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}
