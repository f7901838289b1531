// The Tariff extension: starts `tariffc lsp` (a language server over stdio) for .tariff files.
// Plain JavaScript, no build step; `npm install` here fetches vscode-languageclient.
"use strict";

const path = require("path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

// The configured command; a relative path (`.venv/bin/tariffc`) is taken from the workspace.
function serverCommand() {
  const config = vscode.workspace.getConfiguration("tariff.server");
  let command = config.get("command", "tariffc");
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (folder && command.includes("/") && !path.isAbsolute(command)) {
    command = path.join(folder.uri.fsPath, command);
  }
  return { command, args: config.get("args", ["lsp"]), transport: TransportKind.stdio };
}

function activate(context) {
  const server = serverCommand();
  client = new LanguageClient(
    "tariff",
    "Tariff language server",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "tariff" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.tariff"),
      },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
