import { Client, Connection } from '@temporalio/client';
import type { Settings } from '../workers/settings.js';

/** A Temporal client for the CLI; the caller closes the connection. */
export async function connectClient(
  settings: Settings,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: settings.temporalAddress });
  return {
    client: new Client({ connection, namespace: settings.namespace }),
    close: () => connection.close(),
  };
}

export function workflowUiUrl(settings: Settings, workflowId: string): string {
  return `${settings.uiUrl}/namespaces/${settings.namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
