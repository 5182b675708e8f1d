// A TCP relay on loopback in front of the hub, for making a connection half-open for real: a
// page loaded through the relay talks to the hub only through it (page, API, WebSocket).
//
// freeze(): nothing is forwarded any more, in either direction, and nothing is closed — both
//   ends still believe in their connection, like a phone waking with a dead TCP connection the
//   browser still calls OPEN. Connections opened while frozen are accepted and held.
// thaw(): the network is back, but what was frozen is gone (as after a NAT mapping or the
//   phone's address changed): the frozen connections are reset, held ones go through.
import { connect, createServer } from 'node:net';

export class Relay {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.frozen = false;
    this.pairs = new Set();
    /** connections accepted so far */
    this.accepted = 0;
  }

  start() {
    this.server = createServer((client) => this.#accept(client));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${this.server.address().port}`;
        resolve(this);
      });
    });
  }

  #accept(client) {
    this.accepted++;
    const pair = { client, upstream: null, frozen: false, held: false };
    this.pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => this.#closed(pair));
    if (this.frozen) {
      pair.held = true;
      client.pause();
    } else this.#open(pair);
  }

  #open(pair) {
    pair.held = false;
    const upstream = connect(this.targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => {});
    upstream.on('close', () => this.#closed(pair));
    pair.client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => pair.client.write(d));
    pair.client.resume();
  }

  // One side went away: take the other with it, unless frozen (a frozen link tells no one).
  #closed(pair) {
    if (pair.frozen) return;
    pair.client.destroy();
    pair.upstream?.destroy();
    this.pairs.delete(pair);
  }

  freeze() {
    this.frozen = true;
    for (const p of this.pairs) {
      if (p.held) continue;
      p.frozen = true;
      p.client.pause();
      p.upstream?.pause();
    }
  }

  thaw() {
    this.frozen = false;
    for (const p of [...this.pairs]) {
      if (p.frozen) {
        p.frozen = false;
        p.client.resetAndDestroy();
        p.upstream?.resetAndDestroy();
        this.pairs.delete(p);
      } else if (p.held) this.#open(p);
    }
  }

  close() {
    for (const p of this.pairs) {
      p.frozen = false;
      p.client.destroy();
      p.upstream?.destroy();
    }
    this.pairs.clear();
    return new Promise((r) => this.server.close(() => r()));
  }
}
