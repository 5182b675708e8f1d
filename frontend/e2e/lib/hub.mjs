// Runs the real `hexcrawl serve` and talks to it as the DM (HTTP API + WebSocket protocol).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function randomToken() {
  return randomBytes(18).toString('base64url');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Hub {
  constructor({ bin, port, db, token, log }) {
    Object.assign(this, { bin, port, db, token, log });
    this.url = `http://127.0.0.1:${port}`;
    this.proc = null;
    this.output = '';
  }

  async start() {
    // --no-mdns: tests stay on loopback and must not advertise on the LAN.
    // --join-limit 0: every browser of a spec joins from 127.0.0.1, as a whole table never does
    // (the per-address limit is the Go tests' subject: hub/members_test.go).
    const args = ['serve', '--addr', `127.0.0.1:${this.port}`, '--data', this.db, '--dm-token', this.token, '--no-mdns', '--no-qr', '--join-limit', '0'];
    const proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HEXCRAWL_DM_TOKEN: '' } });
    this.proc = proc;
    this.exited = new Promise((r) => proc.once('exit', (code, sig) => r({ code, sig })));
    const onData = (d) => {
      this.output += d;
      if (this.log) process.stderr.write(`[hub] ${d}`);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null) throw new Error(`hub exited (${proc.exitCode}):\n${this.output}`);
      try {
        const r = await fetch(`${this.url}/api/hub`);
        if (r.ok) return this;
      } catch {
        /* not listening yet */
      }
      await sleep(50);
    }
    throw new Error(`hub did not come up on ${this.url}:\n${this.output}`);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc?.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }

  async api(method, path, body, { auth = true } = {}) {
    const headers = {};
    if (auth) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const e = new Error(`${method} ${path} → ${r.status}: ${text}`);
      e.status = r.status;
      throw e;
    }
    return json;
  }

  /** Opens the DM's WebSocket and waits for its session:state. */
  async dm(campaignId) {
    const dm = new DmSocket(`${this.url.replace('http', 'ws')}/ws?campaignId=${campaignId}`, this.token);
    await dm.open();
    return dm;
  }
}

export class DmSocket {
  constructor(url, token) {
    this.url = url;
    this.token = token;
    this.messages = [];
    this.waiters = [];
    this.refs = 0;
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, ['hexcrawl.v1', `hexcrawl.dm.${this.token}`]);
      this.ws = ws;
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        this.messages.push(m);
        for (const w of [...this.waiters]) w();
      });
      ws.once('error', reject);
      ws.once('close', (code, reason) => reject(new Error(`DM socket closed ${code} ${reason}`)));
      this.waitFor((m) => m.type === 'session:state', 5000).then((m) => {
        if (ws.protocol !== 'hexcrawl.v1') reject(new Error(`subprotocol ${ws.protocol}`));
        else resolve(m);
      }, reject);
    });
  }

  /** Resolves with the first message (after `from`) matching pred. */
  waitFor(pred, ms = 5000, from = 0) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.messages.slice(from).find(pred);
        if (m) {
          this.waiters = this.waiters.filter((w) => w !== check);
          clearTimeout(t);
          resolve(m);
          return true;
        }
        return false;
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`DM: no matching message within ${ms} ms; last: ${JSON.stringify(this.messages.slice(-3))}`));
      }, ms);
      if (!check()) this.waiters.push(check);
    });
  }

  /**
   * Sends a command and waits for its effect: the first non-error message after it, or the
   * error that echoes its ref (which rejects).
   */
  async send(msg, expectType) {
    const ref = `r${++this.refs}`;
    const from = this.messages.length;
    this.ws.send(JSON.stringify({ ...msg, ref }));
    const m = await this.waitFor(
      (x) => (x.type === 'error' && x.ref === ref) || (expectType ? x.type === expectType : x.type !== 'error'),
      5000,
      from,
    );
    if (m.type === 'error') throw new Error(`DM ${msg.type}: ${m.code} ${m.message}`);
    return m;
  }

  /** The default party's id, from the latest session:state. */
  defaultParty() {
    const st = this.messages.findLast((m) => m.type === 'session:state');
    return st.parties.find((p) => p.default).id;
  }

  /** Puts the default party's token on key: a placement that reveals nothing. */
  placeParty(key) {
    return this.send({ type: 'party:place', partyId: this.defaultParty(), key, reveal: false }, 'party:moved');
  }

  close() {
    this.ws.removeAllListeners('close');
    this.ws.close();
  }
}
