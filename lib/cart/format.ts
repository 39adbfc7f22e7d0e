/**
 * The listings as cart_ctl prints them (label_tape.c's cart_ctl -l output: left-aligned columns,
 * a dashed rule under the header; the slot listing's 30-character first column).
 */
import { ctime } from '../util/ctime.js';
import type { AttributeRow, ElementRow, HardwareRow, LocationRow, NameRow, ReservationRow } from './listing.js';

/** Columns padded to their widest cell, `spacing` blanks apart, a rule under the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], spacing = 3): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' '.repeat(spacing)).trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + spacing * (widths.length - 1));
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}

export function formatLocations(rows: readonly LocationRow[]): string {
  return `${'Cartridge'.padEnd(20)}    Location\n${'-'.repeat(42)}\n${rows.map((r) => `${String(r.cartridge).padEnd(20)}    ${r.location}\n`).join('')}`;
}

const PLURAL = { slot: 'Slots', loadport: 'Loadports', drive: 'Drives' } as const;

/** -l -S / -L / -D; inconsistencies follow the table, one per line. */
export function formatElements(kind: keyof typeof PLURAL, changer: string, rows: readonly ElementRow[]): string {
  const head = `${`${PLURAL[kind]} in ${changer}`.padEnd(30)}   Cartridge\n${'-'.repeat(47)}\n`;
  const body = rows.map((r) => `${String(r.number).padEnd(30)}   ${r.mark}\n`).join('');
  const problems = [...new Set(rows.flatMap((r) => r.problems))];
  return head + body + problems.map((p) => `! ${p}\n`).join('');
}

/** Bytes with an SI prefix and 4 significant digits, as afbackup's si_symvalstr shows them: 1.234G. */
export function siBytes(n: number): string {
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < prefixes.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? String(n) : `${Number(v.toPrecision(4))}${prefixes[i]}`;
}

const yesNo = (b: boolean | null) => (b === null ? '?' : b ? 'Yes' : 'No');

export function formatAttributes(rows: readonly AttributeRow[]): string {
  return table(
    ['Cartridge', 'Used', 'Full', 'Read-only', 'Overwrite', 'Times Full', 'Last Writing Time'],
    rows.map((r) => [String(r.cartridge), r.bytes === null ? '' : siBytes(r.bytes), yesNo(r.full), yesNo(r.readOnly), yesNo(r.overwritable), String(r.timesFull), r.lastWrite === null ? '?' : ctime(r.lastWrite)]),
    1,
  );
}

/** -l -i, and with -N the cartridge numbers. Full elements without a barcode show `<none>`. */
export function formatHardware(rows: readonly HardwareRow[], withNumbers: boolean): string {
  const header = withNumbers ? ['Location', 'Cartridge', 'Label', 'Description'] : ['Location', 'Label', 'Description'];
  return table(
    header,
    rows.map((r) => {
      const cells = [r.location, r.barcode ?? '<none>', r.description ?? ''];
      if (withNumbers) cells.splice(1, 0, r.cartridge === null ? '?' : String(r.cartridge));
      return cells;
    }),
  );
}

export function formatNames(rows: readonly NameRow[]): string {
  return table(['Cartridge', 'Label', 'Description'], rows.map((r) => [String(r.cartridge), r.barcode ?? '', r.description]));
}

export function formatReservations(rows: readonly ReservationRow[]): string {
  const title = 'Cartridge Reservations';
  return `${title}\n${'-'.repeat(title.length)}\n${rows.map((r) => `${r.cartridge}:\n${r.clients.map((c) => `\t${c}\n`).join('')}`).join('')}`;
}
