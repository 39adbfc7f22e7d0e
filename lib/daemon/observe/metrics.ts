/**
 * The Prometheus endpoint: the coordinator's drives and tasks in the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): `# HELP` and `# TYPE` once per
 * metric family, then `name{label="value",...} value` lines; label values escape `\`, `"` and
 * newline, HELP text escapes `\` and newline. Served over HTTP on loopback only: the numbers
 * name cartridges and jobs, and the daemon has no authentication of its own on TCP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';
import { TASK_STATUS } from '../../rx/interfaces/butc.js';
import type { ControlBackend, DaemonInfo, DriveState } from '../backend.js';
import { DaemonError } from '../errors.js';
import { TASK_NAMES, type TaskKind, type TaskSnapshot, type TaskState } from '../tasks.js';

const DRIVE_STATES: readonly DriveState[] = ['idle', 'loading', 'positioning', 'writing', 'reading', 'unloading', 'waiting'];
const TASK_STATES: readonly TaskState[] = ['queued', 'running', 'done', 'failed', 'aborted'];
const TASK_KINDS = Object.keys(TASK_NAMES) as TaskKind[];
const OUTCOMES = ['done', 'failed', 'aborted'] as const;
type Outcome = (typeof OUTCOMES)[number];

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Tasks started and finished since the daemon started, by kind (and outcome), counted from the
 * backend's task changes. A task counts as started when it first runs, finished when it first
 * ends; a task aborted while queued is finished without having started.
 */
export class MetricsCounters {
  private readonly started = new Map<TaskKind, number>();
  private readonly finished = new Map<`${TaskKind} ${Outcome}`, number>();
  /** Per task still listed: whether its start and end were counted. */
  private readonly seen = new Map<number, { started: boolean; finished: boolean }>();
  private readonly unsubscribe: () => void;
  private readonly onRemoved = (id: number): void => void this.seen.delete(id);

  constructor(private readonly backend: ControlBackend) {
    for (const t of backend.tasks.snapshots()) this.count(t);
    this.unsubscribe = backend.subscribe((e) => {
      if (e.kind === 'task') this.count(e.task);
    });
    backend.tasks.on('removed', this.onRemoved);
  }

  startedTotal(kind: TaskKind): number {
    return this.started.get(kind) ?? 0;
  }

  finishedTotal(kind: TaskKind, outcome: Outcome): number {
    return this.finished.get(`${kind} ${outcome}`) ?? 0;
  }

  close(): void {
    this.unsubscribe();
    this.backend.tasks.off('removed', this.onRemoved);
  }

  private count(t: TaskSnapshot): void {
    let s = this.seen.get(t.id);
    if (!s) this.seen.set(t.id, (s = { started: false, finished: false }));
    if (!s.started && t.started !== null) {
      s.started = true;
      this.started.set(t.kind, this.startedTotal(t.kind) + 1);
    }
    if (!s.finished && (t.state === 'done' || t.state === 'failed' || t.state === 'aborted')) {
      s.finished = true;
      this.finished.set(`${t.kind} ${t.state}`, this.finishedTotal(t.kind, t.state) + 1);
    }
  }
}

/** A label value as the exposition format quotes it: `\` -> `\\`, `"` -> `\"`, newline -> `\n`. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value: integers and floats as Go's ParseFloat reads them, and NaN / ±Inf spelled its way. */
function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

type Labels = Record<string, string | number>;

class Exposition {
  private text = '';

  family(name: string, type: 'counter' | 'gauge', help: string, samples: [Labels, number][]): void {
    const full = `tapecoord_${name}`;
    this.text += `# HELP ${full} ${escapeHelp(help)}\n# TYPE ${full} ${type}\n`;
    for (const [labels, value] of samples) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(String(v))}"`);
      this.text += `${full}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}\n`;
    }
  }

  toString(): string {
    return this.text;
  }
}

/** The counters renderMetrics reads (MetricsCounters, or a test's own). */
export type CounterSource = Pick<MetricsCounters, 'startedTotal' | 'finishedTotal'>;

/** The whole /metrics body. */
export function renderMetrics(info: Pick<DaemonInfo, 'drives' | 'started'>, tasks: readonly TaskSnapshot[], counters: CounterSource): string {
  const x = new Exposition();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  x.family('up', 'gauge', 'Whether the tape coordinator answers (always 1 when it does).', [[{}, 1]]);
  x.family('start_time_seconds', 'gauge', 'When the daemon started, Unix seconds.', [[{}, info.started / 1000]]);
  x.family('drive_bytes_total', 'counter', 'Bytes moved through the drive since the daemon started.', info.drives.map((d) => [{ drive: d.index }, d.bytes]));
  x.family('drive_errors_total', 'counter', 'Errors the drive had since the daemon started.', info.drives.map((d) => [{ drive: d.index }, d.errors]));
  x.family(
    'drive_state',
    'gauge',
    'What the drive does: 1 for its current state, 0 for the others.',
    info.drives.flatMap((d) => DRIVE_STATES.map((s): [Labels, number] => [{ drive: d.index, state: s }, d.state === s ? 1 : 0])),
  );
  x.family(
    'drive_ring_fill_ratio',
    'gauge',
    "Fill of the ring buffer of the task streaming through the drive, 0..1 (0 when none streams).",
    info.drives.map((d) => [{ drive: d.index }, (d.task !== null ? byId.get(d.task)?.ringFill : null) ?? 0]),
  );
  x.family('task_bytes', 'gauge', 'Bytes the task moved so far.', tasks.map((t) => [{ task: t.id, kind: t.kind }, t.bytes]));
  x.family(
    'task_rate_bytes_per_second',
    'gauge',
    'The task\'s current rate, bytes per second over the last few seconds.',
    tasks.map((t) => [{ task: t.id, kind: t.kind }, t.rate]),
  );
  x.family(
    'tasks',
    'gauge',
    'Tasks listed, by state.',
    TASK_STATES.map((s) => [{ state: s }, tasks.filter((t) => t.state === s).length]),
  );
  x.family('tasks_started_total', 'counter', 'Tasks that started running, by kind.', TASK_KINDS.map((k) => [{ kind: k }, counters.startedTotal(k)]));
  x.family(
    'tasks_finished_total',
    'counter',
    'Tasks that ended, by kind and outcome.',
    TASK_KINDS.flatMap((k) => OUTCOMES.map((o): [Labels, number] => [{ kind: k, outcome: o }, counters.finishedTotal(k, o)])),
  );
  x.family('operator_waits', 'gauge', 'Tasks waiting for an operator (butc OPR_WAIT).', [
    [{}, tasks.filter((t) => t.flags & TASK_STATUS.OPR_WAIT).length],
  ]);
  return x.toString();
}

/** Whether `host` is a loopback address literal (127.0.0.0/8, ::1, ::ffff:127.x) or `localhost`. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) {
    const h = host.toLowerCase();
    return h === '::1' || h === '0:0:0:0:0:0:0:1' || (h.startsWith('::ffff:') && isIPv4(h.slice(7)) && h.slice(7).startsWith('127.'));
  }
  return false;
}

export interface MetricsServerOptions {
  /** A loopback address (default 127.0.0.1); anything else is refused. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

/** `GET /metrics` (and HEAD) on loopback; every other request is 404. */
export class MetricsServer {
  private readonly host: string;
  private readonly port: number;
  private server: Server | null = null;

  constructor(
    private readonly backend: ControlBackend,
    private readonly counters: CounterSource,
    o: MetricsServerOptions = {},
  ) {
    this.host = o.host ?? '127.0.0.1';
    this.port = o.port ?? 0;
    if (!isLoopback(this.host)) {
      throw new DaemonError('invalid', `metrics address ${this.host}: not a loopback address (127.0.0.1, ::1 or localhost); the endpoint has no authentication`);
    }
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) {
      throw new DaemonError('invalid', `metrics port ${o.port}: expected 0..65535`);
    }
  }

  /** Starts listening; resolves to the address bound (the port chosen when 0 was asked). */
  listen(): Promise<{ host: string; port: number }> {
    if (this.server) throw new DaemonError('invalid', 'metrics server: already listening');
    const server = createServer((req, res) => this.answer(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (e) => {
        this.server = null;
        reject(new DaemonError('invalid', `metrics address ${this.host}:${this.port}: ${e.message}`, { cause: e }));
      });
      server.listen(this.port, this.host, () => {
        const a = server.address() as AddressInfo;
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try GET /metrics\n');
      return;
    }
    let body: string;
    try {
      body = renderMetrics(this.backend.info(), this.backend.tasks.snapshots(), this.counters);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics: ${(e as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) }).end(body);
  }
}
