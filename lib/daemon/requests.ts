/**
 * The operations the coordinator runs, as validated requests. lib/api turns an option list into
 * one of these (lib/api/options.ts); the coordinator never sees an unvalidated option.
 */
import type { Readable, Writable } from 'node:stream';
import type { CartAction } from '../cart/actions.js';

/** Where a dump's data comes from: a stream (stdin, a socket, a command's output) or a file the daemon opens. */
export type DataSource = { kind: 'stream'; stream: Readable; name: string } | { kind: 'file'; path: string };
/** Where a restore's data goes. */
export type DataSink = { kind: 'stream'; stream: Writable; name: string } | { kind: 'file'; path: string };

export interface DumpRequest {
  operation: 'dump';
  /** The dump's name (what a restore asks for). */
  name: string;
  /** The cartridge set, by name or number. */
  cartridgeSet: string;
  input: DataSource;
  /** Bytes expected, when the producer knows (a file's size): progress and ETA. */
  totalBytes: number | null;
  /** Tape block size in bytes. */
  blockSize: number;
  /** Ring size in bytes. */
  bufferSize: number;
  /** Unix seconds; null: never. */
  expires: number | null;
  /** Start a cartridge other than the set's write position from file 1 instead of appending. */
  overwrite: boolean;
  /** Drive to use (mtx number from 0); null: the first one free. */
  drive: number | null;
  /** ASK YES: questions wait for the operator; ASK NO: the documented defaults answer. */
  ask: boolean;
}

export interface RestoreRequest {
  operation: 'restore';
  /** Dump names, restored one after the other into the sink. */
  names: string[];
  /** As of this time (Unix seconds); null: the latest. */
  at: number | null;
  output: DataSink;
  bufferSize: number;
  drive: number | null;
  ask: boolean;
}

export interface ScanRequest {
  operation: 'scan';
  /** Cartridge numbers; read from file 0 to end of data. */
  cartridges: number[];
  drive: number | null;
  ask: boolean;
}

/** Label, inventory and move are cart_ctl's operations (lib/cart), run as tasks on a drive. */
export interface CartRequest {
  operation: 'label' | 'inventory' | 'move';
  action: CartAction;
  drive: number | null;
  ask: boolean;
}

export type OperationRequest = DumpRequest | RestoreRequest | ScanRequest | CartRequest;
export type Operation = OperationRequest['operation'];
