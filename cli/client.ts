import { Client, Connection } from '@temporalio/client';
import { dataConverter } from '../workers/data-converter.js';
import type { Settings } from '../workers/settings.js';
import { CliError, ExitCode, unreachable } from './errors.js';

/** A Temporal client for the CLI; the caller closes the connection. */
export async function connectClient(
  settings: Settings,
): Promise<{ client: Client; close: () => Promise<void> }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: '5s' });
  } catch (err) {
    // A bad address and a server that is down both end here; both mean "cannot reach it".
    throw new CliError(unreachable(settings.temporalAddress, err), ExitCode.Unavailable);
  }
  return {
    client: new Client({
      connection,
      namespace: settings.namespace,
      dataConverter: dataConverter(settings.codecKeys),
    }),
    close: () => connection.close(),
  };
}

export function workflowUiUrl(settings: Settings, workflowId: string): string {
  return `${settings.uiUrl}/namespaces/${settings.namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
