// Extension-host test configuration. @vscode/test-cli / @vscode/test-electron download VS Code from the
// internet, which this project's machines cannot reach; the end-to-end tests instead run the extension
// in code-server (VS Code 1.100.3 in the browser, from npm: scripts/install-code-server.sh) and drive it
// with playwright-core in Debian's Chromium. test/support/code-server.ts reads this file.
export default {
  label: 'e2e',
  files: 'test/e2e/**/*.test.ts',
  codeServer: {
    version: '4.100.3',
    entry: '.vscode-test/code-server/node_modules/code-server/out/node/entry.js',
    args: ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'],
  },
  chromium: {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  },
  // User settings for the test profile: no welcome page, no trust prompt, nothing reaching out.
  settings: {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'git.enabled': false,
    'window.restoreWindows': 'none',
    'chat.disableAIFeatures': true,
  },
};
