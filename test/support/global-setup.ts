import { ensureTools } from './tools';

/** Runs once before all test files: makes the real helm/kubectl binaries available. */
export default function globalSetup(): void {
  ensureTools();
}
