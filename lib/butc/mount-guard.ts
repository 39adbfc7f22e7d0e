/**
 * The guard butc lacks (BUTC-SPEC §1.6 last paragraph, §7 #8): when a MOUNT callout exits 0 but the
 * tape is then refused, butc calls MOUNT again with tries+1, forever (300+ rounds seen in the lab
 * in FILE mode, where the "new" tape is the same file). The caller feeds the guard with what it
 * finds in the drive after every mount the callout called successful; when the medium has not
 * changed `limit` times in a row, `mounted()` throws ButcError('mount-loop').
 *
 * A medium is identified by its label bytes when there are some, else by the tape name and dump id
 * read from the label; `null` is a blank (unlabelled) medium, equal to any other blank.
 */
import { ButcError } from './errors.js';

export type MediumIdentity = { label: Uint8Array } | { tapeName: string; dumpId: number } | null;

function sameMedium(a: MediumIdentity, b: MediumIdentity): boolean {
  if (a === null || b === null) return a === b;
  if ('label' in a && 'label' in b) return Buffer.from(a.label).equals(Buffer.from(b.label));
  if ('tapeName' in a && 'tapeName' in b) return a.tapeName === b.tapeName && a.dumpId === b.dumpId;
  return false;
}

/** Default number of unchanged "successful" mounts tolerated before giving up. */
export const DEFAULT_MOUNT_LOOP_LIMIT = 3;

export class MountLoopGuard {
  private last: MediumIdentity | undefined;
  private unchanged = 0;

  /**
   * @param device the device (for the error)
   * @param limit how many successful mounts in a row may leave the medium unchanged
   */
  constructor(
    readonly device: string,
    readonly limit = DEFAULT_MOUNT_LOOP_LIMIT,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`mount loop limit must be a positive integer, not ${limit}`);
  }

  /** The medium in the drive before the first MOUNT call, if known (else the first mount only sets it). */
  before(identity: MediumIdentity): void {
    this.last = identity;
  }

  /**
   * Records the medium found after a MOUNT that exited 0 (and that will be refused, or checked).
   * Throws ButcError('mount-loop') when it equals the previous medium `limit` times in a row.
   * `tries` is butc's attempt counter, for the message.
   */
  mounted(identity: MediumIdentity, tries: number): void {
    if (this.last !== undefined && sameMedium(this.last, identity)) this.unchanged++;
    else this.unchanged = 0;
    this.last = identity;
    if (this.unchanged >= this.limit) {
      const what = identity === null ? 'a blank medium' : 'label' in identity ? 'the same label' : `tape ${identity.tapeName} (${identity.dumpId})`;
      throw new ButcError(
        'mount-loop',
        `the MOUNT callout reported success ${this.unchanged} times in a row (attempt ${tries}) but the drive still holds ${what}`,
        { device: this.device },
      );
    }
  }

  /** Forgets everything: a tape was accepted, or the next tape of the operation is wanted. */
  reset(): void {
    this.last = undefined;
    this.unchanged = 0;
  }
}
