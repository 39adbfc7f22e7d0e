/** The tapecoord command line (commander). Each command lives in its own file. */
import { Command } from 'commander';
import { butcMain } from './butc.js';
import { cartCommand } from './cart.js';
import { catalogCommand } from './catalog.js';
import { changerCommand } from './changer.js';
import { devicesCommand } from './devices.js';
import { dumpCommand } from './dump.js';
import { driveCommand } from './drive.js';
import { mediaCommand } from './media.js';
import { restoreCommand } from './restore.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { streamCommand } from './stream.js';
import { abortCommand, replyCommand } from './tasks.js';

export async function main(argv: string[]): Promise<void> {
  // butc's own command line (single-dash options, cmd prefixes) is not commander's
  if (argv[2] === 'butc') {
    process.exitCode = await butcMain(argv.slice(3));
    return;
  }
  const program = new Command('tapecoord')
    .description('tape coordinator for Linux: drives, changers, a streaming ring buffer, a catalog, butc compatibility')
    .showHelpAfterError()
    .exitOverride((err) => {
      process.exitCode = err.exitCode;
      throw err;
    });
  program.addCommand(serveCommand());
  program.addCommand(dumpCommand());
  program.addCommand(restoreCommand());
  program.addCommand(replyCommand());
  program.addCommand(abortCommand());
  program.addCommand(streamCommand());
  program.addCommand(statusCommand());
  program.addCommand(catalogCommand());
  program.addCommand(changerCommand());
  program.addCommand(devicesCommand());
  program.addCommand(driveCommand());
  program.addCommand(mediaCommand());
  program.addCommand(cartCommand());
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('commander.')) return;
    throw e;
  }
}
