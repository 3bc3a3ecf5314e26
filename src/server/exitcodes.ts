// The CLI's exit codes, for pipelines (documented in README: "Exit codes").
import { InputError } from './jsonl';
import { ThresholdSyntaxError } from './config/thresholds';

export const EXIT = {
  /** The run completed, every sample was scored, every threshold held. */
  ok: 0,
  /** The run completed and a threshold failed (each failing one is named on stderr). */
  thresholdFailed: 1,
  /** Bad input: a flag, crucible.yaml, a suite or samples file, a plugin, a name Crucible does not know. Nothing ran. */
  badInput: 2,
  /** The run is incomplete: samples ended in error, it was cancelled or failed, or could not start (Docker, a provider, the disk). */
  incomplete: 3,
} as const;

/** Engine errors that mean the user asked for something that does not exist or cannot be (not a fault of the machine). */
const INPUT_MESSAGES = [
  /^unknown (provider|sandbox|language|suite source|strategy|scorer|suite) "/,
  /^(strategy|scorer) "[^"]*" .*(cannot prompt|judges)/,
  /^two arms are named /,
  /^no (strategy prompts|scorer judges) /,
  /^plan\.\w+/,
  /^suite .* (has no problem|selects no problems)/,
  /^problem id .* appears in two suites/,
  /: no API key: set /,
];

export function isBadInput(e: unknown): boolean {
  if (e instanceof InputError || e instanceof ThresholdSyntaxError) return true;
  const msg = e instanceof Error ? e.message : String(e);
  return INPUT_MESSAGES.some((r) => r.test(msg));
}
