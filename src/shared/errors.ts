/**
 * Why something failed, in a form the UI can translate: a message key of src/shared/i18n and its
 * parameters. Errors keep their English message too (logs, the CLI, unknown keys).
 */
import type { MessageKey } from './i18n/en';

export interface ErrorReason {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** An Error that may carry a translatable reason and the API's error code. */
export type ReasonedError = Error & { reason?: ErrorReason; code?: string };

/** Attaches a reason (and the API error code) to an error that crossed a transport. */
export function withReason(error: Error, reason: ErrorReason | undefined, code?: string): ReasonedError {
  if (reason) (error as ReasonedError).reason = reason;
  if (code) (error as ReasonedError).code = code;
  return error;
}
