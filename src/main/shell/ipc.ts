/**
 * Serves the API contract over IPC: one generic loop registers every method of `API_METHODS` on
 * `ipcMain.handle`, checks who is asking, validates the argument with the contract's schema and
 * answers with an `IpcReply` so the renderer sees the error message as written.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, ApiError, parseArgs, type ApiMethod, type LoupeApi } from '../../shared/contract';
import { ipcChannel, type IpcReply } from '../../shared/ipcChannels';

/** Decides whether an IPC event comes from our own window. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Runs `work` and turns its outcome, success or error, into an `IpcReply`. */
export async function replyOf<T>(label: string, work: () => Promise<T> | T): Promise<IpcReply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) {
      return { ok: false, message: error.message, code: error.code, ...(error.reason ? { reason: error.reason } : {}) };
    }
    // not an expected failure: keep the stack in the main log, give the user the message
    console.error(`[loupe] ${label} failed:`, error);
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message, code: 'internal' };
  }
}

/** Registers an invoke handler that refuses foreign senders and always answers with an `IpcReply`. */
export function handleTrusted<T>(
  channel: string,
  isTrusted: SenderCheck,
  work: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<T> | T,
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) =>
    replyOf(channel, () => {
      if (!isTrusted(event)) {
        console.warn(`[loupe] refused ${channel} from ${event.senderFrame?.url ?? 'a closed frame'}`);
        throw new ApiError('this request did not come from a Loupe window', 'invalid-argument');
      }
      return work(event, ...args);
    }),
  );
}

/**
 * Registers every API method. `afterCall` runs after a method succeeded (the shell refreshes its
 * title and menus when the corpus or the settings changed). Returns the unregister function.
 */
export function registerApiHandlers(
  service: LoupeApi,
  isTrusted: SenderCheck,
  afterCall: (method: ApiMethod) => void = () => {},
): () => void {
  for (const method of API_METHODS) {
    handleTrusted(ipcChannel(method), isTrusted, async (_event, raw) => {
      const args = parseArgs(method, raw);
      const call = service[method] as (this: LoupeApi, a: typeof args) => Promise<unknown>;
      const value = await call.call(service, args);
      afterCall(method);
      return value;
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
