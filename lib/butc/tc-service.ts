/**
 * The TC Rx service (`src/butc/tcprocs.c`, `tcstatus.c`; BUTC-SPEC §3): opcodes 0-12 of butc.xg on
 * Rx service 1, served from a TaskTable handed in (the daemon's, so its tasks show in `backup
 * status` too). Every RPC first passes butc's callPermitted(): with -allow_unauthenticated anyone,
 * otherwise only a superuser, which needs rxkad; rxnull callers are never one, so they get
 * TC_NOTPERMITTED as from butc.
 *
 * What runs here: TCInfo (version 3), ScanStatus / GetStatus / EndStatus / RequestAbort with
 * butc's rules (§3.8), ReadLabel (synchronous) and ScanDumps without -dbadd (a Scantape task) on
 * the tapeconfig device. The operations that need the backup database or the volume server
 * (LabelTape, PerformDump, PerformRestore, SaveDb, RestoreDb, ScanDumps with -dbadd) and DeleteDump
 * (XBSA only in butc) answer TC_BADTASK ("invalid task"): the code butc itself gives an operation it
 * does not carry out in its configuration (DeleteDump without XBSA, ScanDumps under XBSA), and one
 * that makes `backup` say the request failed without suggesting a permission or transport problem.
 * Unknown opcodes abort with RXGEN_OPCODE (RxOpcodeService).
 *
 * In `tapecoord serve` (lib/daemon/butc-service.ts) the table is the coordinator's: its dumps,
 * restores and scans show in `backup status` and a RequestAbort stops them; there is no
 * tapeconfig device there, so ReadLabel and ScanDumps answer TC_BADTASK.
 */
import type { Task, TaskTable } from '../daemon/tasks.js';
import { TASK_STATUS, TC, TC_SERVICE_ID, TSK_STAT, CUR_BUTC_VERSION, type TciStatusS } from '../rx/interfaces/butc.js';
import { RxAbort } from '../rx/errors.js';
import { serveProc } from '../rx/rpc.js';
import { rxnull, type RxSecurityClass } from '../rx/security.js';
import { RxOpcodeService } from '../rx/service.js';
import { Latch } from '../util/latch.js';
import { TC_BADTASK, TC_NODENOTFOUND, TC_NOTPERMITTED, TcError } from './tc-errors.js';
import { readLabelTask } from './tc-readlabel.js';
import { scanTapeTask } from './tc-scan.js';
import type { TapeContext } from './tc-tape.js';

export interface TcServiceOptions {
  /** The task table (ids from portOffset × 1000 + 1); the caller owns it. */
  table: TaskTable;
  /**
   * The tapeconfig device and the CFG, logs, console and operator channel of this butc; null in
   * `tapecoord serve`, whose drives belong to the changer (ReadLabel and ScanDumps answer
   * TC_BADTASK there, saying to run `tapecoord butc` for a drive of its own).
   */
  tape: TapeContext | null;
  /** butc's -allow_unauthenticated: every caller passes callPermitted(). */
  allowUnauthenticated: boolean;
  /** Security classes offered, by index; default rxnull only (rxkad is not implemented). */
  securityClasses?: readonly RxSecurityClass[];
  /** Unix seconds for lastPolled (tests). */
  nowSeconds?: () => number;
}

/** butc's Rx dead time (`rx_SetRxDeadTime(150)`, BUTC-SPEC §3.1). */
export const BUTC_DEAD_TIME_MS = 150_000;

const MAXNAME = 63;

const EMPTY_STATUS: TciStatusS = { taskName: '', taskId: 0, flags: 0, dbDumpId: 0, nKBytes: 0, volumeName: '', volsFailed: 0, lastPolled: 0 };

/** Refusal of the operations that need budb / volserver clients (see the file comment). */
const UNSUPPORTED = 'needs the backup database or volume server clients, which tapecoord does not have yet';
/** Refusal of the tape operations where there is no tapeconfig device (the daemon). */
const NO_DEVICE = 'needs a tapeconfig device: tapecoord serve has only library drives; run tapecoord butc -port N for a drive of its own';

export class TcService {
  readonly rx: RxOpcodeService;
  /** butc's deviceLatch: tape operations run one at a time, in arrival order. */
  readonly latch = new Latch();
  private readonly table: TaskTable;
  private readonly tape: TapeContext | null;
  private readonly allowUnauthenticated: boolean;
  private readonly now: () => number;
  /** lastPolled per task id: set at creation (butc: time(0)) and by every GetStatus. */
  private readonly polled = new Map<number, number>();
  private readonly running = new Set<Promise<void>>();

  constructor(o: TcServiceOptions) {
    this.table = o.table;
    this.tape = o.tape;
    this.allowUnauthenticated = o.allowUnauthenticated;
    this.now = o.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.rx = new RxOpcodeService({ serviceId: TC_SERVICE_ID, name: 'TC', securityClasses: o.securityClasses ?? [rxnull] });
    this.table.on('removed', (id) => this.polled.delete(id));
    this.serve();
  }

  /** Resolves when every task started through this service has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  /** callPermitted(): -allow_unauthenticated, else a superuser, which no rxnull caller is. */
  private permit(): void {
    if (!this.allowUnauthenticated) throw new RxAbort(TC_NOTPERMITTED, 'TC: caller is not a superuser (rxkad is not implemented; run with -allow_unauthenticated)');
  }

  private lastPolled(t: Task): number {
    return this.polled.get(t.id) ?? Math.floor(t.created / 1000);
  }

  private node(taskId: number): Task {
    const t = this.table.get(taskId >>> 0);
    if (!t) throw new RxAbort(TC_NODENOTFOUND, `TC: no task ${taskId >>> 0}`);
    return t;
  }

  private serve(): void {
    const tc = this.rx;
    serveProc(tc, TC.TCInfo, async () => {
      this.permit();
      return { tciptr: { tcVersion: CUR_BUTC_VERSION } };
    });

    // §3.8, server side: FIRST takes the first node, else the node asked for; none: NOTFOUND|END
    serveProc(tc, TC.ScanStatus, async ({ taskId, flags }) => {
      this.permit();
      const tasks = this.table.list();
      const i = flags & TSK_STAT.FIRST ? (tasks.length ? 0 : -1) : tasks.findIndex((t) => t.id === taskId >>> 0);
      if (i < 0) return { taskId, statusPtr: EMPTY_STATUS, flags: (flags | TSK_STAT.NOTFOUND | TSK_STAT.END) >>> 0 };
      const t = tasks[i]!;
      const s = t.snapshot();
      const next = tasks[i + 1];
      return {
        taskId: next ? next.id : taskId,
        statusPtr: { ...EMPTY_STATUS, taskName: s.name.slice(0, MAXNAME), taskId: s.id, flags: s.flags, nKBytes: s.nKBytes >>> 0, volumeName: s.volumeName.slice(0, MAXNAME), lastPolled: this.lastPolled(t) },
        flags: (next ? flags : flags | TSK_STAT.END) >>> 0,
      };
    });

    serveProc(tc, TC.GetStatus, async ({ taskId }) => {
      this.permit();
      const t = this.node(taskId);
      const s = t.snapshot();
      const statusPtr: TciStatusS = {
        taskName: s.name.slice(0, MAXNAME),
        taskId: s.id,
        flags: s.flags,
        dbDumpId: s.dumpId >>> 0,
        nKBytes: s.nKBytes >>> 0,
        volumeName: s.volumeName.slice(0, MAXNAME),
        volsFailed: s.volsFailed | 0,
        lastPolled: this.lastPolled(t) | 0,
      };
      this.polled.set(t.id, this.now());
      return { statusPtr };
    });

    serveProc(tc, TC.EndStatus, async ({ taskId }) => {
      this.permit();
      if (!this.table.remove(taskId >>> 0)) throw new RxAbort(TC_NODENOTFOUND, `TC: no task ${taskId >>> 0}`);
      return {};
    });

    serveProc(tc, TC.RequestAbort, async ({ taskId }) => {
      this.permit();
      const t = this.node(taskId);
      // butc sets ABORT_REQUEST on the node whatever its state
      if (t.finished) t.setFlags(TASK_STATUS.ABORT_REQUEST, true);
      else t.requestAbort('RequestAbort from backup');
      return {};
    });

    serveProc(tc, TC.ReadLabel, async () => {
      this.permit();
      if (!this.tape) throw new RxAbort(TC_BADTASK, `TC_ReadLabel ${NO_DEVICE}`);
      try {
        return { label: await readLabelTask(this.tape, this.latch, this.table), taskId: 0 };
      } catch (e) {
        if (e instanceof TcError) throw new RxAbort(e.code, `TC_ReadLabel: ${e.message}`);
        throw e;
      }
    });

    serveProc(tc, TC.ScanDumps, async ({ addDbFlag }) => {
      this.permit();
      if (addDbFlag) throw new RxAbort(TC_BADTASK, `TC_ScanDumps -dbadd ${UNSUPPORTED}`);
      const tape = this.tape;
      if (!tape) throw new RxAbort(TC_BADTASK, `TC_ScanDumps ${NO_DEVICE}`);
      const task = this.table.create('scan', tape.device);
      this.polled.set(task.id, this.now());
      const run = scanTapeTask(tape, this.latch, task).finally(() => this.running.delete(run));
      this.running.add(run);
      return { taskId: task.id };
    });

    for (const p of [TC.LabelTape, TC.PerformDump, TC.PerformRestore, TC.SaveDb, TC.RestoreDb, TC.DeleteDump] as const) {
      serveProc(tc, p as typeof TC.RestoreDb, async () => {
        this.permit();
        throw new RxAbort(TC_BADTASK, `${p.name} ${UNSUPPORTED}`);
      });
    }
  }
}
