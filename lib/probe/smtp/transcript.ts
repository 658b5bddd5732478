/**
 * The conversation as the user will read it: what we sent (c), what the server sent (s) and our
 * notes (i). Bounded in entries and in characters per entry, so a chatty server cannot bloat the
 * stored result.
 */
import type { TranscriptEntry } from '@/lib/probe/schema';

export const MAX_ENTRY_CHARS = 512;

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  truncated = false;

  /** `elapsed` gives ms since the connection attempt began. */
  constructor(
    private readonly maxEntries: number,
    private readonly elapsed: () => number,
  ) {}

  /** ms since the connection attempt began, as entries are stamped */
  now(): number {
    return Math.max(0, Math.round(this.elapsed() * 10) / 10);
  }

  /** `at` (from now()) stamps an entry that happened earlier than it is added, e.g. a received line. */
  add(dir: TranscriptEntry['dir'], text: string, at?: number): void {
    if (this.entries.length >= this.maxEntries) {
      this.truncated = true;
      return;
    }
    const clipped = text.length > MAX_ENTRY_CHARS ? `${text.slice(0, MAX_ENTRY_CHARS - 1)}…` : text;
    this.entries.push({ t: at ?? this.now(), dir, text: clipped });
  }
}
