/**
 * A response that does not parse: too short for a field, a length field pointing past the data,
 * a page that is not the one asked for. The message names the command or page and the byte
 * offset in the response, so a capture can be checked by hand.
 */
export class ScsiParseError extends Error {
  override name = 'ScsiParseError';
  /** The command or page being parsed: 'READ ELEMENT STATUS', 'LOG SENSE page 17h'. */
  readonly what: string;
  /** Offset in the response where parsing stopped. */
  readonly offset: number;
  /**
   * Set when the response was cut short: the length its own header declares. Asking again with
   * at least this allocation length gets the whole response.
   */
  readonly needed: number | undefined;

  constructor(what: string, offset: number, detail: string, needed?: number) {
    super(`${what}, byte ${offset}: ${detail}`);
    this.what = what;
    this.offset = offset;
    this.needed = needed;
  }
}
