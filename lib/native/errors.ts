/**
 * Errors from devices. The native addon constructs DeviceError itself (better-sqlite3's pattern:
 * the class is handed over once by binding.ts), so every failed device call carries the errno
 * name, its number, the operation (MTIOCTOP name, 'write', 'SG_IO', ...) and the device.
 */
export class DeviceError extends Error {
  override name = 'DeviceError';
  /** errno name, e.g. 'ENOSPC', 'EIO', 'ENOMEM'. */
  readonly code: string;
  readonly errno: number;
  /** The operation that failed: 'open', 'write', 'read', 'MTFSF', 'MTIOCGET', 'SG_IO', ... */
  readonly op: string;
  /** Device path, 'fd N' or 'ring'. */
  readonly device: string;

  constructor(message: string, code: string, errno: number, op: string, device: string) {
    super(message);
    this.code = code;
    this.errno = errno;
    this.op = op;
    this.device = device;
  }
}

export function isDeviceError(e: unknown, code?: string): e is DeviceError {
  return e instanceof DeviceError && (code === undefined || e.code === code);
}
