/**
 * Label, inventory and move as daemon tasks: cart_ctl's operations (lib/cart) on the leased
 * drive, with the operator reached through the task's prompts instead of a terminal. Those that
 * move or write cartridges have the library to themselves (CartridgeClaims.exclusive).
 */
import { needsChanger, runCart, type CartReport } from '../../cart/actions.js';
import { describeTask, type Operator, type OperatorTask } from '../../cart/operator.js';
import type { DriveLease } from '../drive-pool.js';
import { DaemonError } from '../errors.js';
import type { JobContext } from '../job-context.js';
import type { CartRequest } from '../requests.js';

/** cart_ctl's operator questions as task prompts. */
export class TaskOperator implements Operator {
  constructor(private readonly ctx: JobContext) {}

  askLine(question: string): Promise<string> {
    return this.ctx.ask({ kind: 'line', message: question, choices: [], default: '' });
  }

  async confirm(question: string): Promise<boolean> {
    return (await this.ctx.ask({ kind: 'overwrite', message: question, choices: ['yes', 'no'], default: 'no' })) === 'yes';
  }

  async perform(task: OperatorTask): Promise<void> {
    const answer = await this.ctx.ask({ kind: 'manual-move', message: `${describeTask(task)}, then answer "done"`, choices: ['done', 'abort'], default: 'abort' });
    if (answer !== 'done') throw new DaemonError('refused', `not done: ${describeTask(task)}`);
  }
}

export async function runCartJob(ctx: JobContext, req: CartRequest, lease: DriveLease): Promise<CartReport> {
  // cart_ctl moves and labels cartridges anywhere in the library: not while a job has one
  if (needsChanger(req.action) && req.action.op !== 'list') {
    if (ctx.cartridges.heldByOthers(ctx.task.id).size > 0) {
      lease.setState('waiting');
      ctx.emit({ kind: 'user-message', message: 'waiting until no other task has a cartridge' });
    }
    await ctx.cartridges.exclusive(ctx.task.id, ctx.task.signal);
  }
  lease.setState('loading');
  const report = await runCart(
    {
      catalog: ctx.catalog,
      changer: ctx.changer,
      changerName: ctx.changerName,
      operator: new TaskOperator(ctx),
      drive: lease.index + 1,
      note: (message) => ctx.emit({ kind: 'user-message', message }),
      now: () => new Date(ctx.now() * 1000),
    },
    req.action,
  );
  if (report.text) ctx.emit({ kind: 'user-message', message: report.text.trimEnd() });
  return report;
}
