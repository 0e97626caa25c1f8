// The Ferry extension: starts `ferry lsp` (the language server) over stdio.
// Highlighting, brackets and snippets are declarative (see package.json).

import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('ferry.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration(event => {
      if (event.affectsConfiguration('ferry.path')) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** The `ferry` executable from the `ferry.path` setting, with `~` expanded. */
function ferryPath(): string {
  const configured = vscode.workspace.getConfiguration('ferry').get<string>('path', 'ferry').trim();
  if (configured === '') {
    return 'ferry';
  }
  if (configured === '~' || configured.startsWith('~/')) {
    return path.join(os.homedir(), configured.slice(1));
  }
  return configured;
}

async function start(): Promise<void> {
  const command = ferryPath();
  const serverOptions: ServerOptions = {
    command,
    args: ['lsp'],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'ferry' },
      { scheme: 'untitled', language: 'ferry' },
    ],
    synchronize: {
      // Adaptor files beside a job change what the job means.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.ferry'),
    },
  };
  // The id 'ferry' makes the client honour the `ferry.trace.server` setting.
  client = new LanguageClient('ferry', 'Ferry Language Server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    const choice = await vscode.window.showErrorMessage(
      `Ferry: could not start the language server \`${command} lsp\`: ${message}. ` +
        'Install ferry or set "ferry.path" to the ferry executable.',
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'ferry.path');
    }
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
