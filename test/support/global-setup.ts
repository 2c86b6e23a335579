import { ensureBusybox, ensureTools } from './tools';

/** Runs once before all test files: makes the real helm binaries and busybox available. */
export default function globalSetup(): void {
  ensureTools();
  // Idempotent: the netns tests call it again and report why busybox is missing, if it is.
  ensureBusybox();
}
