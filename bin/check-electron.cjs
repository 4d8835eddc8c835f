#!/usr/bin/env node
'use strict';
// Runs before `npm start` and `npm run dev`: electron-vite needs the Electron binary and, without
// it, says only "Electron uninstall". Electron 45's npm package downloads its binary on first use,
// which electron-vite never triggers; this says what is missing and how to get it.
const fs = require('node:fs');
const path = require('node:path');

/** Where electron-vite will look for the binary; null when it is there. */
function missingElectron() {
  const given = process.env.ELECTRON_EXEC_PATH;
  if (given) return fs.existsSync(given) ? null : `ELECTRON_EXEC_PATH names ${given}, which does not exist`;
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [path.join(__dirname, '..')] }));
  } catch {
    return 'the electron package is not installed (node_modules/electron is missing)';
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  if (!relative) return `the Electron binary was never downloaded (${path.relative(process.cwd(), pathFile)} is missing)`;
  const binary = path.join(packageDir, 'dist', relative);
  return fs.existsSync(binary) ? null : `the Electron binary is missing (${binary})`;
}

const missing = missingElectron();
if (missing) {
  process.stderr.write(
    [
      `loupe: cannot start the app: ${missing}.`,
      'npm install does not download it: Electron fetches its binary (about 100 MB, from GitHub) when first asked,',
      'which needs network access. Get it with:  npx install-electron   then run npm start again.',
      '(A proxy or mirror: see ELECTRON_MIRROR in https://www.electronjs.org/docs/latest/tutorial/installation.)',
      'Without Electron, the same UI runs in a browser:  npm run web',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
