/** An id for this store instance: readable in the database (host, pid) and unique across restarts. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';

export function newInstanceId(): string {
  return `${os.hostname().slice(0, 64)}:${process.pid}:${randomBytes(6).toString('hex')}`;
}
