// bench_jsonc.js - helper for tests/bench/bench_jsonc.sh.
//   node bench_jsonc.js gen FILE BYTES        writes a settings.json-like file
//   node bench_jsonc.js run NODE_MODULES FILE ITERATIONS KEY
// "run" times, in-process, what VS Code does for one settings change:
// read, jsonc-parser modify + applyEdits, and an atomic replace (temp file,
// fsync, rename, fsync of the folder); prints median milliseconds.
'use strict';
const fs = require('fs');
const path = require('path');

function gen(file, bytes) {
  const parts = ['// Settings generated for the clinecfg benchmark\n{\n'];
  let size = parts[0].length;
  let i = 0;
  const half = Math.floor(bytes / 2);
  let cline = false;
  while (size < bytes) {
    let s;
    if (!cline && size >= half) {
      s = '    // Cline\n    "cline.apiProvider": "anthropic", // chosen by hand\n';
      cline = true;
    } else if (i % 10 === 0) {
      s = `    // section ${i / 10}: editor behaviour for extension number ${i}\n`;
    } else {
      const k = `"ext${i % 97}.section${i}.option"`;
      const v = [
        `${i}`, `"value number ${i} with some text"`, 'true',
        `[${i}, ${i + 1}, "x${i}"]`, `{\n        "nested": ${i},\n        "flag": false\n    }`,
      ][i % 5];
      s = `    ${k}: ${v},\n`;
    }
    parts.push(s);
    size += Buffer.byteLength(s);
    i++;
  }
  parts.push('    "last.setting": null\n}\n');
  fs.writeFileSync(file, parts.join(''));
}

function run(nodeModules, file, iters, key) {
  const jsonc = require(path.resolve(nodeModules, 'jsonc-parser'));
  const times = [];
  const edits = [];
  const dir = path.dirname(file);
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    const text = fs.readFileSync(file, 'utf8');
    const t1 = process.hrtime.bigint();
    const e = jsonc.modify(text, [key], `bedrock-${i}`, { formattingOptions: { insertSpaces: true, tabSize: 4, eol: '\n' } });
    const out = jsonc.applyEdits(text, e);
    const t2 = process.hrtime.bigint();
    const tmp = path.join(dir, `.bench-${process.pid}.tmp`);
    const fd = fs.openSync(tmp, 'wx', 0o600);
    fs.writeSync(fd, out);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
    const t3 = process.hrtime.bigint();
    times.push(Number(t3 - t0) / 1e6);
    edits.push(Number(t2 - t1) / 1e6);
  }
  const med = (a) => { a.sort((x, y) => x - y); const n = a.length; return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2; };
  console.log(`cycle_ms ${med(times).toFixed(3)}\nedit_ms ${med(edits).toFixed(3)}`);
}

const [cmd, ...a] = process.argv.slice(2);
if (cmd === 'gen') gen(a[0], parseInt(a[1], 10));
else if (cmd === 'run') run(a[0], a[1], parseInt(a[2], 10), a[3]);
else { console.error('usage: see the header'); process.exit(2); }
