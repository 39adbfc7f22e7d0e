/**
 * butc's device-name mangling (`stringNowReplace()` in `src/butc/tcmain.c`; BUTC-SPEC §1.4): a
 * leading "/dev" (4 bytes, no slash checked) is dropped, every '/' becomes '_', and the result is
 * appended to "CFG", "TL" or "TE" with no separator of its own:
 * `/dev/nst0` -> `_nst0`, `/var/tmp/FILE` -> `_var_tmp_FILE`, `tape0` -> `tape0`, `/devices/x` -> `ices_x`.
 */
export function mangleDeviceName(device: string): string {
  const rest = device.startsWith('/dev') ? device.slice(4) : device;
  return rest.replaceAll('/', '_');
}
