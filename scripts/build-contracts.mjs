#!/usr/bin/env node
// Compiles contracts/*.sol with the `solc` npm package (a WASM build of the
// Solidity compiler: works offline, no native toolchain) into
// contracts/build/<Name>.json: abi, creation bytecode, runtime bytecode and
// the storage layout. The benchmark workloads deploy the runtime bytecode
// straight into a block's pre-state, so the output is committed and a change
// to a contract shows in review as a change to its build file.
//
// Settings are pinned (optimizer 200 runs, evmVersion cancun) so that two
// builds with the same compiler give byte-identical files.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'contracts');
const outDir = join(srcDir, 'build');

const sources = {};
for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: readFileSync(join(srcDir, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    // No metadata hash: keeps the bytecode stable across source paths and
    // comment edits that do not change the code.
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: {
      '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'storageLayout'] },
    },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

mkdirSync(outDir, { recursive: true });
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    // Interfaces have no code; only contracts defined in their own file are built.
    if (c.evm.bytecode.object === '' || file !== `${name}.sol`) continue;
    const artifact = {
      contractName: name,
      sourceName: `contracts/${file}`,
      compiler: solc.version(),
      settings: { optimizer: input.settings.optimizer, evmVersion: input.settings.evmVersion },
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      storageLayout: c.storageLayout.storage.map((s) => ({
        label: s.label,
        slot: Number(s.slot),
        offset: s.offset,
        type: c.storageLayout.types[s.type]?.label ?? s.type,
      })),
    };
    const path = join(outDir, `${name}.json`);
    writeFileSync(path, `${JSON.stringify(artifact, null, 2)}\n`);
    console.log(`${name}: ${(artifact.deployedBytecode.length - 2) / 2} bytes runtime -> ${path.slice(root.length + 1)}`);
  }
}
