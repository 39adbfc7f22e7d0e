/** CartError: why a cartridge operation (tapecoord cart, cart_ctl's role) was refused or failed. */

export type CartErrorCode =
  /** Options that do not go together, or a missing one (cart_ctl's usage errors). */
  | 'usage'
  /** A cartridge list, number list or attribute specification that does not parse. */
  | 'syntax'
  /** No such slot, drive or loadport in the changer. */
  | 'no-such-element'
  /** A target slot or loadport holds a cartridge. */
  | 'occupied'
  /** No free slot or loadport where one was needed. */
  | 'no-free-element'
  /** The catalog and the hardware disagree: nothing is moved until someone looks. */
  | 'inconsistent'
  /** Which cartridge is meant, or where it is, cannot be determined. */
  | 'unknown'
  /** The operator could not be asked, declined, or did not do what was asked. */
  | 'operator';

export class CartError extends Error {
  override name = 'CartError';
  readonly code: CartErrorCode;

  constructor(code: CartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isCartError(e: unknown, code?: CartErrorCode): e is CartError {
  return e instanceof CartError && (code === undefined || e.code === code);
}
