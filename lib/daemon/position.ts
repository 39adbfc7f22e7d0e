/**
 * Checking a mounted medium against the catalog and putting it at a tape file.
 *
 * The label (file 0) is afbackup's (lib/format/cartridge-label.ts). Before writing, a medium must
 * be this cartridge's: a blank one is labelled first (when writing starts at file 1); one
 * labelled as another cartridge, or holding foreign data, is only written over when the operator
 * confirms (ASK NO: no). A medium that is blank where the catalog has files is refused: the
 * catalog and the medium disagree, and nothing is written until someone finds out why.
 */
import { putLabel } from '../catalog/cartridges.js';
import { readLabel, writeLabel } from '../format/cartridge-label.js';
import type { Medium } from '../drive/medium.js';
import { DaemonError } from './errors.js';
import type { JobContext } from './job-context.js';

/** Rewinds and spaces forward to the start of tape file `file` (0 = the label). */
export async function positionAt(medium: Medium, cartridge: number, file: number): Promise<void> {
  await medium.rewind();
  if (file === 0) return;
  try {
    await medium.op('MTFSF', file);
  } catch (e) {
    throw new DaemonError('wrong-medium', `cartridge ${cartridge}: cannot space to tape file ${file} (${(e as Error).message}): the medium has fewer files than the catalog says`, { cause: e });
  }
}

/** Makes sure the medium is cartridge `cartridge` (labelling a blank one) and positions it for writing tape file `file`. */
export async function prepareForWrite(ctx: JobContext, medium: Medium, cartridge: number, file: number): Promise<void> {
  const found = await readLabel(medium);
  const labelNew = async () => {
    const time = new Date(ctx.now() * 1000);
    await writeLabel(medium, { cartridge, blockSize: ctx.config.blockSize, comment: `tapecoord cartridge ${cartridge}`, time });
    putLabel(ctx.catalog, { cartridge, name: String(cartridge), comment: `tapecoord cartridge ${cartridge}`, written: ctx.now(), expires: null });
    ctx.emit({ kind: 'log', subtype: 'created', message: `cartridge ${cartridge}: label written` });
  };
  if (found.kind === 'label' && found.label.cartridge === cartridge) {
    await positionAt(medium, cartridge, file);
    return;
  }
  if (found.kind === 'blank') {
    if (file !== 1) throw new DaemonError('wrong-medium', `cartridge ${cartridge}: the medium is blank, but the catalog has ${file - 1} tape file(s) on it`);
    await labelNew(); // leaves the medium at file 1
    return;
  }
  const what = found.kind === 'label' ? `is labelled as cartridge ${found.label.cartridge}` : `holds ${found.bytes} bytes of data that are not a tapecoord or afbackup label`;
  const answer = await ctx.ask({
    kind: 'overwrite',
    message: `The medium in the drive for cartridge ${cartridge} ${what}. Write over it as cartridge ${cartridge}?`,
    choices: ['yes', 'no'],
    default: 'no',
  });
  if (answer !== 'yes') throw new DaemonError('wrong-medium', `cartridge ${cartridge}: the medium ${what}; not written over`);
  if (file !== 1) throw new DaemonError('wrong-medium', `cartridge ${cartridge}: relabelled media start at file 1, the catalog wants file ${file}`);
  await labelNew();
}

/** Checks, before reading, that the medium is cartridge `cartridge`. */
export async function checkForRead(medium: Medium, cartridge: number): Promise<void> {
  const found = await readLabel(medium);
  if (found.kind !== 'label' || found.label.cartridge !== cartridge) {
    const what = found.kind === 'label' ? `is labelled as cartridge ${found.label.cartridge}` : found.kind === 'blank' ? 'is blank' : 'has no label';
    throw new DaemonError('wrong-medium', `the medium loaded as cartridge ${cartridge} ${what}`);
  }
}
