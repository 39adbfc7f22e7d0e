/**
 * C's ctime(3) without the newline: `Sat Nov  1 12:01:25 2026` in local time, the day padded
 * with a space (asctime's "%.3s %.3s%3d %.2d:%.2d:%.2d %d"). butc and read_tape print label and
 * volume times with it.
 */
/** C's abbreviated day and month names (asctime, strftime %a %b in the C locale). */
export const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** `seconds` is a Unix time (unsigned 32-bit on the medium). */
export function ctime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}
