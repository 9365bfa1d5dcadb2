// The client ships as separate files with no build step: every module it loads must exist in webroot/
// (the gateway and the jar serve that directory as it is), and the page must stay within its strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const WEBROOT = new URL('../../../webroot/', import.meta.url);
const read = (name) => readFileSync(new URL(name, WEBROOT), 'utf8');
const files = readdirSync(WEBROOT);
const scripts = files.filter((f) => f.endsWith('.js'));

/** Files a module refers to: static and dynamic imports, and `new URL('./x.js', import.meta.url)`. */
function references(name) {
  const source = read(name);
  const found = new Set();
  for (const re of [/\bfrom\s+'\.\/([^']+)'/g, /\bimport\(\s*'\.\/([^']+)'\s*\)/g, /new URL\(\s*'\.\/([^']+)'/g]) {
    for (const m of source.matchAll(re)) found.add(m[1]);
  }
  return [...found];
}

test('index.html loads app.js as a module and has no inline script or handler', () => {
  const html = read('index.html');
  const tags = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  assert.deepEqual(tags.map((m) => m[0]), ['<script type="module" src="app.js"></script>']);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline styles');
});

test('every module the client refers to exists, and every script in webroot/ is used', () => {
  const reached = new Set();
  const queue = ['app.js'];
  while (queue.length) {
    const name = queue.shift();
    if (reached.has(name)) continue;
    assert.ok(scripts.includes(name), `${name} is referred to but not in webroot/`);
    reached.add(name);
    queue.push(...references(name));
  }
  assert.deepEqual([...reached].sort(), [...scripts].sort());
});

test('no eval or string-compiled code anywhere in the client', () => {
  for (const name of scripts) {
    const source = read(name);
    assert.doesNotMatch(source, /\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\(\s*['"`]/, name);
    assert.doesNotMatch(source, /\.innerHTML\s*=|insertAdjacentHTML|document\.write/, `${name}: builds DOM, not HTML strings`);
  }
});

// The admin console (/admin/) is a second page of the same client: same rules, its modules under webroot/admin/.
test('admin/index.html loads admin.js as a module, no inline script, handler or style, and uses the shared look', () => {
  const html = read('admin/index.html');
  const tags = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  assert.deepEqual(tags.map((m) => m[0]), ['<script type="module" src="admin.js"></script>']);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline styles');
  assert.match(html, /<link rel="stylesheet" href="\.\.\/style\.css">/);
});

test('every module the admin page refers to exists, every script in webroot/admin/ is used, none uses eval or HTML strings', () => {
  const adminScripts = readdirSync(new URL('admin/', WEBROOT)).filter((f) => f.endsWith('.js'));
  const reached = new Set();
  const queue = ['admin/admin.js'];
  const shared = new Set();
  while (queue.length) {
    const name = queue.shift();
    if (reached.has(name)) continue;
    reached.add(name);
    const source = read(name);
    assert.doesNotMatch(source, /\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\(\s*['"`]/, name);
    assert.doesNotMatch(source, /\.innerHTML\s*=|insertAdjacentHTML|document\.write/, name);
    for (const m of source.matchAll(/\bfrom\s+'(\.\.?\/[^']+)'/g)) {
      const target = new URL(m[1], new URL(name, WEBROOT)).pathname.slice(WEBROOT.pathname.length);
      assert.ok(readdirSync(new URL(target.includes('/') ? target.replace(/[^/]+$/, '') : '.', WEBROOT))
        .includes(target.replace(/^.*\//, '')), `${name} refers to ${target}, which is not in webroot/`);
      if (target.startsWith('admin/')) queue.push(target);
      else shared.add(target);
    }
  }
  assert.deepEqual([...reached].sort(), adminScripts.map((f) => `admin/${f}`).sort());
  assert.deepEqual([...shared], ['dom.js'], 'the page shares only stateless helpers with the voice client');
});
